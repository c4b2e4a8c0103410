package dev.meridian.driver.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.sql.api.Catalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection's copy of the table definitions, loaded from its peer with
 * {@link Request.GetCatalog} on first use and reloaded after DDL and whenever a statement or a
 * peer names a table this copy does not know (or knows under an old id).
 *
 * <p>{@link #version()} is interned by content across the JVM: two catalogs (of any
 * connections, to any cluster) holding the same definitions have the same version, and
 * different definitions never do. So a planner shared by every connection, which caches plans
 * by SQL text and checks the version, reuses plans across a connection pool and never applies
 * one catalog's plan to another's definitions. A set of definitions not seen for a long time
 * may get a new number when it comes back (a cache miss, nothing worse). Thread-safe: readers
 * see one immutable snapshot.
 */
final class CatalogCache implements Catalog {
  private static final AtomicLong COUNTER = new AtomicLong();
  /** Catalog contents (sorted by name) to their version. */
  private static final Cache<List<Object>, Long> VERSIONS =
      Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();

  private record Snapshot(Map<String, TableSchema> byName,
      Map<String, List<IndexDef>> indexes, long version) {}

  private volatile Snapshot snapshot;

  @Override
  public TableSchema table(String name) {
    Snapshot s = snapshot;
    return s == null ? null : s.byName().get(name);
  }

  @Override
  public long version() {
    Snapshot s = snapshot;
    return s == null ? 0 : s.version();
  }

  @Override
  public List<IndexDef> indexes(String table) {
    Snapshot s = snapshot;
    return s == null ? List.of() : s.indexes().getOrDefault(table, List.of());
  }

  /** Every table, in the order the peer listed them. */
  @Override
  public java.util.Set<String> tableNames() {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (TableSchema t : tables()) {
      names.add(t.name());
    }
    return names;
  }

  List<TableSchema> tables() {
    Snapshot s = snapshot;
    return s == null ? List.of() : List.copyOf(s.byName().values());
  }

  /** Whether the catalog was ever loaded. */
  boolean isLoaded() {
    return snapshot != null;
  }

  /** Reloads the catalog from the peer; the version changes only if a definition did. */
  void refresh(ServingChannel channel, Execution execution) {
    Response r = channel.call(new Request.GetCatalog(), execution, true);
    List<TableSchema> tables =
        ServingChannel.expect(r, Response.Catalog.class, "GetCatalog").tables();
    Response ix = channel.call(new Request.GetIndexes(), execution, true);
    replace(tables, ServingChannel.expect(ix, Response.Indexes.class, "GetIndexes").indexes());
  }

  /** Installs a list of definitions without indexes. */
  void replace(List<TableSchema> tables) {
    replace(tables, List.of());
  }

  /** Installs a list of definitions and the serving region's indexes. */
  synchronized void replace(List<TableSchema> tables, List<IndexDef> indexList) {
    Map<String, TableSchema> byName = new LinkedHashMap<>();
    for (TableSchema t : tables) {
      byName.put(t.name(), t);
    }
    // By id: an index keeps the name its table had when it was created (ALTER TABLE RENAME TO).
    Map<Long, String> nameById = new java.util.HashMap<>();
    for (TableSchema t : tables) {
      nameById.put(t.tableId(), t.name());
    }
    Map<String, List<IndexDef>> indexes = new LinkedHashMap<>();
    for (IndexDef d : indexList) {
      String table = nameById.get(d.tableId());
      if (table != null) {
        indexes.computeIfAbsent(table, k -> new ArrayList<>()).add(d);
      }
    }
    Snapshot old = snapshot;
    if (old != null && sameDefinitions(old.byName(), byName) && old.indexes().equals(indexes)) {
      return;
    }
    List<Object> content = new ArrayList<>(byName.values());
    content.sort(Comparator.comparing(o -> ((TableSchema) o).name()));
    List<IndexDef> sortedIndexes = new ArrayList<>(indexList);
    sortedIndexes.sort(Comparator.comparing(IndexDef::name));
    content.addAll(sortedIndexes);
    long version = VERSIONS.get(List.copyOf(content), k -> COUNTER.incrementAndGet());
    snapshot = new Snapshot(Collections.unmodifiableMap(byName),
        Collections.unmodifiableMap(indexes), version);
  }

  private static boolean sameDefinitions(Map<String, TableSchema> a, Map<String, TableSchema> b) {
    return new ArrayList<>(a.values()).equals(new ArrayList<>(b.values()));
  }
}
