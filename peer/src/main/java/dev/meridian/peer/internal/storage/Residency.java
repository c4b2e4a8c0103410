package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.replication.AntiEntropy;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Values;
import dev.meridian.router.api.ResidencyRules;
import dev.meridian.router.api.TableResidency;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * This region's view of the routing config's residency rules (DESIGN.md, "Data residency"):
 * which tables are pinned, by which column, and whether a stored row may live in a region.
 * Shared by the write path (refuse or move a row), the apply path (refuse a record) and
 * replication (never ship a row where it may not live), through the Hazelcast user context
 * under {@link #CONTEXT_KEY}.
 *
 * <p>Where a row may live follows from its visible deciding value; a row that is not visible
 * (never written, or only a tombstone) may live {@link #NOWHERE} by its value, for a column
 * rule: its old value is gone with its cells. A key-prefix rule decides by the key alone.
 * Sets: null means any region, {@link #NOWHERE} none. Immutable and thread-safe.
 */
public final class Residency {
  /** Key of the member's Residency in the Hazelcast user context. */
  public static final String CONTEXT_KEY = "meridian.residency";
  /** The empty set of regions: a row that is not visible lives nowhere by its value. */
  public static final Set<String> NOWHERE = Set.of();

  private final String region;
  private final String source;
  private final ResidencyRules rules;
  private final ConcurrentMap<Long, Pin> pins = new ConcurrentHashMap<>();

  /**
   * @param region this peer's region
   * @param source the routing config's name, for messages
   */
  public Residency(String region, String source, ResidencyRules rules) {
    this.region = region;
    this.source = source;
    this.rules = rules;
  }

  /** This region. */
  public String region() {
    return region;
  }

  /** Whether no table is pinned. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** How a table is pinned, or null when its rows may live anywhere. */
  public Pin pin(TableSchema schema) {
    if (rules.isEmpty()) {
      return null;
    }
    Pin cached = pins.get(schema.tableId());
    if (cached != null) {
      return cached == Pin.NONE ? null : cached;
    }
    TableResidency rule = rules.table(schema.name());
    Pin pin = Pin.NONE;
    if (rule != null) {
      int column = -1;
      if (!rule.byKeyPrefix()) {
        for (int c = 0; c < schema.columnCount(); c++) {
          if (schema.column(c).name().equalsIgnoreCase(rule.column())) {
            column = c;
          }
        }
      }
      String decider = rule.byKeyPrefix()
          ? "the key " + schema.column(schema.keyColumns().get(0)).name()
          : rule.column();
      pin = new Pin(schema.tableId(), schema.name(), rule, column, decider, source);
    }
    pins.putIfAbsent(schema.tableId(), pin);
    return pin == Pin.NONE ? null : pin;
  }

  /**
   * The pin of a table as a processor on the partition owner finds it (it carries the table's
   * name, deciding column and decider rather than the schema); null when the table is not
   * pinned here.
   */
  public Pin pin(long tableId, String table, int column, String decider) {
    Pin cached = pins.get(tableId);
    if (cached != null) {
      return cached == Pin.NONE ? null : cached;
    }
    TableResidency rule = rules.table(table);
    Pin pin = rule == null ? Pin.NONE : new Pin(tableId, table, rule, column, decider, source);
    pins.putIfAbsent(tableId, pin);
    return pin == Pin.NONE ? null : pin;
  }

  /**
   * The rows of a table that anti-entropy between regions {@code a} and {@code b} covers: those
   * both may hold; for a column rule a bare tombstone (its value gone) is
   * {@link AntiEntropy.Scope#TOMBSTONE}. Every row when the table is not pinned.
   */
  public static AntiEntropy.Scope scope(Pin pin, String a, String b) {
    if (pin == null) {
      return AntiEntropy.Scope.ALL;
    }
    return row -> {
      Set<String> allowed;
      if (pin.byKey()) {
        allowed = pin.allowedForKey(row.key());
      } else {
        StoredRow r = RowFormat.decode(row.row());
        if (!r.isVisible()) {
          return AntiEntropy.Scope.TOMBSTONE;
        }
        allowed = pin.allowed(r, row.key());
      }
      return contains(allowed, a) && contains(allowed, b)
          ? AntiEntropy.Scope.LISTED : AntiEntropy.Scope.HIDDEN;
    };
  }

  /**
   * Whether {@code region} may hold a merged row of {@code key}, as the apply path asks it; null
   * when the table is not pinned (any row may be held).
   */
  public static Predicate<StoredRow> mayHold(Pin pin, String region, byte[] key) {
    return pin == null ? null : merged -> contains(pin.allowed(merged, key), region);
  }

  /** Whether {@code region} is in {@code regions} (null: any). */
  public static boolean contains(Set<String> regions, String region) {
    return regions == null || regions.contains(region);
  }

  /**
   * How one table is pinned: its rule and the index of its deciding column (-1 for a key-prefix
   * rule, or when the table has no column of that name: then every row's value is NULL).
   * Immutable and thread-safe.
   */
  public static final class Pin {
    static final Pin NONE = new Pin(0, "", null, -1, "", "");

    private final long tableId;
    private final String table;
    private final TableResidency rule;
    private final int column;
    private final String decider;
    private final String source;

    Pin(long tableId, String table, TableResidency rule, int column, String decider,
        String source) {
      this.tableId = tableId;
      this.table = table;
      this.rule = rule;
      this.column = column;
      this.decider = decider;
      this.source = source;
    }

    /** The table's name. */
    public String table() {
      return table;
    }

    /** What decides, for messages: a column name or "the key ID". */
    public String decider() {
      return decider;
    }

    /** The table's id. */
    public long tableId() {
      return tableId;
    }

    /** The rule. */
    public TableResidency rule() {
      return rule;
    }

    /** The deciding column's index, or -1. */
    public int column() {
      return column;
    }

    /** Whether rows are pinned by their key. */
    public boolean byKey() {
      return rule.byKeyPrefix();
    }

    /**
     * The regions a stored row may live in: by its key for a prefix rule; by its visible
     * deciding cell for a column rule ({@link #NOWHERE} when the row is not visible).
     */
    public Set<String> allowed(StoredRow row, byte[] key) {
      if (rule.byKeyPrefix()) {
        return rule.allowed(firstKeyValue(key));
      }
      if (!row.isVisible()) {
        return NOWHERE;
      }
      return rule.allowed(decidingValue(row));
    }

    /** The visible deciding value of a visible row (null when unset or NULL). */
    public Object decidingValue(StoredRow row) {
      if (column < 0) {
        return null;
      }
      Cell c = row.cell(column);
      return c == null || !row.isVisible(c) ? null : c.value();
    }

    /** The regions for an encoded deciding value (a cell's bytes), or for NULL when null. */
    public Set<String> allowedForEncoded(byte[] encodedValue) {
      return rule.allowed(encodedValue == null ? null : decode(encodedValue));
    }

    /** The regions for the key (prefix rules). */
    public Set<String> allowedForKey(byte[] key) {
      return rule.allowed(firstKeyValue(key));
    }

    /** The {@code 23M01} failure for a row of value {@code value} written in {@code region}. */
    public MeridianException violation(Object value, Set<String> allowed, String region) {
      return new MeridianException(SqlState.RESIDENCY_VIOLATION, "a row of " + table
          + " with " + decider + " = " + (value instanceof String s ? "'" + s + "'" : value)
          + " may live only in " + allowed + " (residency rule in " + source
          + "), not in region " + region + "; write it through one of those regions");
    }

    private static Object firstKeyValue(byte[] key) {
      return decode(key);
    }

    private static Object decode(byte[] bytes) {
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      try {
        return Values.read(buf);
      } finally {
        buf.release();
      }
    }
  }
}
