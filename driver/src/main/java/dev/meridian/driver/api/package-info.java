/**
 * The Meridian JDBC driver's public face: {@link dev.meridian.driver.api.MeridianDriver} (found
 * by {@link java.sql.DriverManager} through {@link java.util.ServiceLoader}), the options it
 * takes ({@link dev.meridian.driver.api.MeridianProperty}) and what a connection tells beyond
 * JDBC ({@link dev.meridian.driver.api.MeridianConnection}, reached with
 * {@link java.sql.Connection#unwrap}).
 *
 * <h2>URLs</h2>
 * <ul>
 *   <li>{@code jdbc:meridian:mem:<name>?regions=us-east-1,eu-west-1&region=eu-west-1} starts
 *       (or joins) in-process regions; needs {@code dev.meridian:meridian-peer} on the class
 *       path.</li>
 *   <li>{@code jdbc:meridian://us-east-1=h1:7400,h2;eu-west-1=[::1]:7401/?region=us-east-1}
 *       connects to running peers; the port defaults to 7400.</li>
 * </ul>
 * Options come from the URL's parameters and from the {@link java.util.Properties} given to
 * {@code connect}; <b>a URL parameter wins</b> over a property of the same key. Unknown keys
 * and malformed values fail with SQLState {@code 22023} naming the key.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Every statement autocommits, per row (DESIGN.md, "SQL semantics"). There are no
 *       transactions: {@code setAutoCommit(false)} fails with {@code 0A000}; {@code commit()}
 *       and {@code rollback()} fail with {@code 25000}.</li>
 *   <li>A statement goes to the connection's home region. When the connection to its peer
 *       breaks, the next statement reconnects to another peer of that region. A read that
 *       failed because the connection broke is retried once; a write is never retried and
 *       fails with {@code 08006}, saying that it may or may not have been applied.</li>
 *   <li>Errors are {@link java.sql.SQLException}s of the subclass that matches their SQLState
 *       class; a statement that writes several rows and fails part way names the rows written
 *       and the rows failed.</li>
 *   <li>Result sets are forward-only, read-only and fully read when the statement returns.</li>
 *   <li>A {@link java.sql.Connection} is thread-safe: statements of one connection may run
 *       from several threads at once. A statement, its result set and its metadata are for
 *       one thread at a time, except {@link java.sql.Statement#cancel()}.</li>
 * </ul>
 */
package dev.meridian.driver.api;
