package dev.meridian.sql.api;

import dev.meridian.protocol.types.TableSchema;

/**
 * The table definitions a statement is planned against. Implementations must be thread-safe;
 * {@link #version()} changes whenever any definition changes, so cached plans can be checked.
 */
public interface Catalog {

  /** The table with this exact (already case-normalised) name, or null. */
  TableSchema table(String name);

  /** A number that changes whenever the catalog changes. */
  long version();

  /**
   * The secondary indexes of a table in the serving region (ready or being built), in name
   * order; empty when none.
   */
  default java.util.List<dev.meridian.protocol.types.IndexDef> indexes(String table) {
    return java.util.List.of();
  }

  /** The names of every table, for tools and query engines that list them; may be empty. */
  default java.util.Set<String> tableNames() {
    return java.util.Set.of();
  }
}
