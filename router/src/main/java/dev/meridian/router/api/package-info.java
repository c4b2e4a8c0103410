/**
 * Routing: the {@link dev.meridian.router.api.RoutingPolicy} contract (lifecycle and thread
 * safety), the {@link dev.meridian.router.api.RoutingContext} a policy is initialised with, and
 * {@link dev.meridian.router.api.RoutingPolicies}, which creates a policy by class name. The
 * default policy, {@link dev.meridian.router.internal.NearestHealthyPolicy}, lives in the
 * internal package; {@link dev.meridian.router.api.HomeRegionPolicy} is a fixed-order
 * alternative. {@link dev.meridian.router.api.RoutingConfig} reads the routing YAML shared by
 * drivers and peers: the regions and their peers, and the data residency rules
 * ({@link dev.meridian.router.api.ResidencyRules}, one
 * {@link dev.meridian.router.api.TableResidency} per pinned table). No SQL and no network here.
 */
package dev.meridian.router.api;
