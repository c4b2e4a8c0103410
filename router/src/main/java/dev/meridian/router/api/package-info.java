/**
 * Routing: the {@link dev.meridian.router.api.RoutingPolicy} contract (lifecycle and thread
 * safety) and its default implementation. No SQL and no network here.
 */
package dev.meridian.router.api;
