package dev.meridian.driver.internal;

import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Plan;

/**
 * Turns SQL text into a {@link Plan}: the driver's view of the SQL layer, so that the JDBC
 * classes can be tested with a planner of their own. Implementations are thread-safe.
 */
interface StatementPlanner {

  /**
   * Plans one statement.
   *
   * @throws dev.meridian.protocol.error.MeridianException with SQLState and position for SQL
   *     that is malformed ({@code 42xxx}), names an unknown table ({@code 42P01}) or is not
   *     supported ({@code 0A000})
   */
  Plan plan(String sql, Catalog catalog);
}
