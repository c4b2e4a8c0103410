package dev.meridian.driver.api;

import dev.meridian.driver.internal.Connector;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver for {@code jdbc:meridian:} URLs (see the package documentation for their
 * forms and the options in {@link MeridianProperty}).
 *
 * <p>Registered with {@link DriverManager} when the class loads and found by
 * {@link java.util.ServiceLoader}, so applications need neither {@code Class.forName} nor the
 * class name. Each instance shares its SQL planners (one per {@code planCacheSize}) among its
 * connections. Thread-safe. Not JDBC compliant ({@link #jdbcCompliant()} is false): there are
 * no transactions and SQL is a subset (DESIGN.md).
 */
public final class MeridianDriver implements Driver {
  /**
   * The {@code Properties} key under which an application hands {@code connect} a Micrometer
   * {@code io.micrometer.core.instrument.MeterRegistry} object (not text), as HikariCP takes
   * one: the connection then records statement latency by kind and region, failovers, session
   * waits, {@code 57M01}s and retries there (meter names in the README). Without it, or without
   * Micrometer on the class path, there are no meters. Micrometer is an optional dependency.
   */
  public static final String METER_REGISTRY = "meterRegistry";

  static {
    try {
      DriverManager.registerDriver(new MeridianDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Connector connector;

  /** Creates a driver; {@link java.util.ServiceLoader} and pools call this. */
  public MeridianDriver() {
    this.connector = new Connector();
  }

  /**
   * Opens a connection, or returns null when the URL is not a {@code jdbc:meridian:} URL (so
   * that {@link DriverManager} asks the next driver).
   *
   * @throws SQLException {@code 22023} for a malformed URL or option (the message names what to
   *     change); {@code 08001} when no peer of any region the connection may use answers (with
   *     {@code routing=local}: of the home region), or when a
   *     {@code mem:} URL is used without the peer artifact on the class path
   */
  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    return connector.connect(url, info);
  }

  /** True exactly for URLs starting with {@code jdbc:meridian:}. */
  @Override
  public boolean acceptsURL(String url) {
    return Connector.accepts(url);
  }

  /**
   * Every {@link MeridianProperty}, with the value the URL or {@code info} gives it (the URL
   * wins) or its default. The password is never echoed.
   *
   * @throws SQLException {@code 22023} when the URL is malformed
   */
  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    return connector.propertyInfo(url, info);
  }

  @Override
  public int getMajorVersion() {
    return Connector.majorVersion();
  }

  @Override
  public int getMinorVersion() {
    return Connector.minorVersion();
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("dev.meridian.driver");
  }
}
