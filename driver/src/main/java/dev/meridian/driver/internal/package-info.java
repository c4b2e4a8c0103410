/**
 * The driver's implementation: URL and option parsing, the JDBC classes, plan execution over a
 * {@link dev.meridian.protocol.net.PeerChannel}. Not API: everything here may change, and
 * classes are package-private unless another package of the driver needs them.
 *
 * <p>Internal code throws {@link dev.meridian.protocol.error.MeridianException}; the JDBC
 * methods convert it with {@code SqlExceptions} at the boundary, keeping it as the cause.
 */
package dev.meridian.driver.internal;

