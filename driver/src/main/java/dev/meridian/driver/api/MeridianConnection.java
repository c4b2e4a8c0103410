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
   * The region that served the connection's last statement (the home region before the first):
   * another region after a failover, or when a residency rule sent the row elsewhere.
   */
  String servingRegion() throws SQLException;

  /**
   * The name of the peer that served the last statement, if the connection to it is open now;
   * null otherwise.
   */
  String servingPeer() throws SQLException;

  /**
   * The session token: per origin region, the stamp of the latest write this connection made
   * there, as text ({@code <region>:<hlc>,...}, sorted; empty before the first write). With
   * {@code consistency=session}, a read in any region first waits until that region holds
   * every write the token names. Pass it to another connection (of another server, say) with
   * {@link #setSessionToken} to give that connection read-your-writes of this one.
   */
  String sessionToken() throws SQLException;

  /**
   * Replaces the session token with one read from {@link #sessionToken()}; null or empty
   * clears it (reads then wait for nothing).
   *
   * @throws SQLException {@code 22023} for a malformed token or one naming an unknown region
   */
  void setSessionToken(String token) throws SQLException;
}
