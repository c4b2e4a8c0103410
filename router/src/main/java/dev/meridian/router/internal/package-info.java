/**
 * The default routing policy, {@link dev.meridian.router.internal.NearestHealthyPolicy}, and the
 * small helpers it is composed of (settings, round-trip averages, region health). Everything but
 * the policy itself is package-private.
 */
package dev.meridian.router.internal;
