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
 *   <li>With autocommit on (the default) every statement commits on its own, per row
 *       (DESIGN.md, "SQL semantics"). With autocommit off, key writes are buffered in the
 *       driver and applied at {@code commit()}, row by row, with no isolation or atomicity
 *       ({@code READ_UNCOMMITTED}); {@code rollback()} discards them.</li>
 *   <li>A statement goes to the connection's home region while it is healthy, else to the
 *       nearest healthy region, and home again after {@code hysteresisMs} of health; rows a
 *       residency rule pins go to the nearest region allowed to hold them. Reads and
 *       {@code UPSERT}s move on when the connection breaks after sending; other writes fail with
 *       {@code 08006}, saying that they may or may not have been applied. With
 *       {@code routing=local} everything goes home and nothing fails over.</li>
 *   <li>With {@code consistency=session} (the default) a read never misses the connection's
 *       own earlier writes, in any region; when no region can promise that in time it fails
 *       with {@code 57M01}.</li>
 *   <li>Errors are {@link java.sql.SQLException}s of the subclass that matches their SQLState
 *       class; a statement that writes several rows and fails part way names the rows written
 *       and the rows failed.</li>
 *   <li>Result sets are forward-only and read-only; a point read's rows arrive with the
 *       statement, a general query's rows stream from the peers as they are read.</li>
 *   <li>A {@link java.sql.Connection} is thread-safe: statements of one connection may run
 *       from several threads at once. A statement, its result set and its metadata are for
 *       one thread at a time, except {@link java.sql.Statement#cancel()}.</li>
 * </ul>
 */
package dev.meridian.driver.api;
