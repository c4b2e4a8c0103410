package dev.meridian.sql.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.sql.internal.StatementPlanner;
import java.util.Objects;

/**
 * Turns SQL text into a {@link Plan} against a {@link Catalog}, caching plans by SQL text.
 *
 * <p>A cached plan remembers the {@link Catalog#version()} it was made against and is made
 * again when the version differs, so a plan never outlives the definitions it was checked
 * against. Only successful plans are cached: a statement that fails (syntax, unknown names,
 * bad values, unsupported SQL) is parsed and checked again on every call. Because the cache is
 * keyed by SQL text alone, one planner should serve one catalog.
 *
 * <p>Thread-safe: any number of threads may plan at once. Planning never does I/O.
 */
public final class SqlPlanner {
  private final Cache<String, CachedPlan> cache;

  private record CachedPlan(Plan plan, long catalogVersion) {}

  /**
   * Creates a planner.
   *
   * @param maxCachedPlans how many plans to keep (least recently used go first); 0 disables
   *     caching
   */
  public SqlPlanner(long maxCachedPlans) {
    if (maxCachedPlans < 0) {
      throw new IllegalArgumentException("maxCachedPlans must be >= 0, not " + maxCachedPlans);
    }
    // Eviction on the calling thread keeps the cache's size exact when a call returns.
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxCachedPlans)
        .executor(Runnable::run)
        .build();
  }

  /**
   * The plan for one SQL statement.
   *
   * <p>CREATE TABLE does not look at the catalog: a name that already exists is reported by the
   * peer that runs the plan ({@code 42P07}), not here. DROP TABLE of a table the catalog does
   * not hold fails here ({@code 42P01}) unless it says IF EXISTS.
   *
   * @throws MeridianException with a {@code 42xxx} state for syntax errors and unknown names
   *     (positioned in the SQL), {@code 0A000} for SQL Meridian does not support, {@code 22xxx}
   *     for literals that do not fit their column and {@code 23502} for missing key or NOT NULL
   *     values
   */
  public Plan plan(String sql, Catalog catalog) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(catalog, "catalog");
    long version = catalog.version();
    CachedPlan cached = cache.getIfPresent(sql);
    if (cached != null && cached.catalogVersion() == version) {
      return cached.plan();
    }
    // Tagged with the version read before planning: if the catalog moves on meanwhile, the
    // next call sees a different version and plans again.
    Plan plan = StatementPlanner.plan(sql, catalog);
    cache.put(sql, new CachedPlan(plan, version));
    return plan;
  }

  /** How many plans the cache holds now. */
  public long cachedPlans() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Drops every cached plan. */
  public void clearCache() {
    cache.invalidateAll();
  }
}
