package dev.meridian.driver.internal;

import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Plan;
import dev.meridian.sql.api.SqlPlanner;

/**
 * The {@link StatementPlanner} backed by {@link SqlPlanner}; the driver keeps one per plan
 * cache size and shares it among connections. Sharing is sound because catalog versions are
 * interned by content ({@link CatalogCache#version()}): connections whose catalogs hold the same
 * definitions share cached plans, and different definitions never share a version.
 * Thread-safe (SqlPlanner is).
 */
final class SqlPlannerAdapter implements StatementPlanner {
  private final SqlPlanner planner;

  SqlPlannerAdapter(long maxCachedPlans) {
    this.planner = new SqlPlanner(maxCachedPlans);
  }

  @Override
  public Plan plan(String sql, Catalog catalog) {
    return planner.plan(sql, catalog);
  }
}
