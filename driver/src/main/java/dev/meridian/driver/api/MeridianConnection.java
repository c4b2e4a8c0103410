package dev.meridian.driver.api;

import java.sql.SQLException;

/**
 * What a Meridian connection tells beyond JDBC: where its statements go and who serves them.
 * Reach it with {@code connection.unwrap(MeridianConnection.class)}.
 *
 * <p>Thread-safe. Every method fails with SQLState {@code 08003} once the connection is closed.
 */
public interface MeridianConnection {

  /** The connection's home region, from the {@code region} option; never null. */
  String homeRegion() throws SQLException;

  /**
   * The region of the peer that serves the connection now, as that peer reported it; null
   * while the connection to the peer is broken and not yet reopened (the next statement
   * reopens it).
   */
  String servingRegion() throws SQLException;

  /** The name of the peer that serves the connection now; null as for {@link #servingRegion}. */
  String servingPeer() throws SQLException;
}
