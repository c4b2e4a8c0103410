package dev.meridian.sql.api;

import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory {@link Catalog} for tests; every change bumps the version. */
final class TestCatalog implements Catalog {
  static final ColumnType BIGINT = ColumnType.of(TypeKind.BIGINT);
  static final ColumnType INTEGER = ColumnType.of(TypeKind.INTEGER);

  private final Map<String, TableSchema> tables = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong(1);

  /**
   * USERS(ID BIGINT key, NAME VARCHAR(20) NOT NULL, EMAIL VARCHAR(100), AGE INTEGER);
   * ORDERS(REGION VARCHAR(10), ORDER_ID BIGINT, AMOUNT DECIMAL(10,2), PLACED TIMESTAMP,
   * NOTE VARCHAR(50)) keyed (REGION, ORDER_ID); "events"("id" BIGINT key, "Payload"
   * VARBINARY(16)); and ALL_TYPES with a column of every type, keyed by K.
   */
  static TestCatalog standard() {
    TestCatalog catalog = new TestCatalog();
    catalog.put(new TableSchema(1, "USERS", List.of(
        new ColumnDef("ID", BIGINT, false),
        new ColumnDef("NAME", ColumnType.of(TypeKind.VARCHAR, 20), false),
        new ColumnDef("EMAIL", ColumnType.of(TypeKind.VARCHAR, 100), true),
        new ColumnDef("AGE", INTEGER, true)), List.of(0), ConflictResolution.CELL));
    catalog.put(new TableSchema(2, "ORDERS", List.of(
        new ColumnDef("REGION", ColumnType.of(TypeKind.VARCHAR, 10), false),
        new ColumnDef("ORDER_ID", BIGINT, false),
        new ColumnDef("AMOUNT", ColumnType.decimal(10, 2), true),
        new ColumnDef("PLACED", ColumnType.of(TypeKind.TIMESTAMP), true),
        new ColumnDef("NOTE", ColumnType.of(TypeKind.VARCHAR, 50), true)),
        List.of(0, 1), ConflictResolution.ROW));
    catalog.put(new TableSchema(3, "events", List.of(
        new ColumnDef("id", BIGINT, false),
        new ColumnDef("Payload", ColumnType.of(TypeKind.VARBINARY, 16), true)),
        List.of(0), ConflictResolution.CELL));
    catalog.put(new TableSchema(4, "ALL_TYPES", List.of(
        new ColumnDef("K", INTEGER, false),
        new ColumnDef("C_BIGINT", BIGINT, true),
        new ColumnDef("C_INTEGER", INTEGER, true),
        new ColumnDef("C_SMALLINT", ColumnType.of(TypeKind.SMALLINT), true),
        new ColumnDef("C_VARCHAR", ColumnType.of(TypeKind.VARCHAR, 5), true),
        new ColumnDef("C_CHAR", ColumnType.of(TypeKind.CHAR, 3), true),
        new ColumnDef("C_BOOLEAN", ColumnType.of(TypeKind.BOOLEAN), true),
        new ColumnDef("C_DOUBLE", ColumnType.of(TypeKind.DOUBLE), true),
        new ColumnDef("C_REAL", ColumnType.of(TypeKind.REAL), true),
        new ColumnDef("C_DECIMAL", ColumnType.decimal(6, 2), true),
        new ColumnDef("C_DATE", ColumnType.of(TypeKind.DATE), true),
        new ColumnDef("C_TIME", ColumnType.of(TypeKind.TIME), true),
        new ColumnDef("C_TIMESTAMP", ColumnType.of(TypeKind.TIMESTAMP), true),
        new ColumnDef("C_VARBINARY", ColumnType.of(TypeKind.VARBINARY, 4), true)),
        List.of(0), ConflictResolution.CELL));
    return catalog;
  }

  private final Map<String, List<IndexDef>> indexes = new ConcurrentHashMap<>();

  /** Adds a secondary index of a table. */
  void putIndex(IndexDef index) {
    indexes.computeIfAbsent(index.table(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(index);
    version.incrementAndGet();
  }

  @Override
  public List<IndexDef> indexes(String table) {
    return indexes.getOrDefault(table, List.of());
  }

  void put(TableSchema table) {
    tables.put(table.name(), table);
    version.incrementAndGet();
  }

  void remove(String name) {
    tables.remove(name);
    version.incrementAndGet();
  }

  @Override
  public TableSchema table(String name) {
    return tables.get(name);
  }

  @Override
  public long version() {
    return version.get();
  }
}
