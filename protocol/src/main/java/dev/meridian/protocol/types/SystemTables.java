package dev.meridian.protocol.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The system tables in schema {@code MERIDIAN}, readable by SQL from any connection: their
 * columns here, their rows computed by the serving peer ({@code ReadSystemTable}). Each has a
 * fixed negative table id that no user table gets. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@code MERIDIAN.REGIONS}: one row per region this region knows (itself and every
 *       region it replicates with); a region restarted empty is {@code backfilling} until
 *       every reachable region has shipped it what it holds, then {@code serving}.
 *   <li>{@code MERIDIAN.REPLICATION_LINKS}: one row per link that starts or ends in the serving
 *       region: outbound links as their senders here see them (lag from acknowledgements,
 *       backlog), inbound ones as this region's receivers measure them (backlog unknown: null).
 *       {@code RESHIPPED} counts records shipped again, kept out of the lag figures: on a
 *       sender, those committed before its region's storage began (the region restarted empty
 *       and got them back by backfill); on a receiver, those it already held exactly.
 *   <li>{@code MERIDIAN.TABLES}: one row per user table in the serving region's catalog: its
 *       incarnation id, the version of its definition (1 when created, one more per
 *       {@code ALTER TABLE}), its columns and the dropped ones, its ttl column (null when rows
 *       never expire) and whether the conflict log records it ({@code on} or {@code off}).
 *       Regions converge on one
 *       version; until then each shows its own.
 *   <li>{@code MERIDIAN.USERS}: one row per user of the region (replicated among regions): its
 *       admin right and grants, never its password or verifier.
 *   <li>{@code MERIDIAN.SECURITY}: the serving peer's security counters since it started: failed
 *       and successful logins, and frames refused from each region's link (a record that did
 *       not fit the catalog, a message in another region's name, a catalog that failed its
 *       checks), one row per counter.
 *   <li>{@code MERIDIAN.TABLE_PRIVILEGES}: one row per user, user table and privilege
 *       ({@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE}) that the user holds on
 *       the table in the serving region's catalog, whether granted on the table, on every table,
 *       or held through the admin right ({@code IS_GRANTABLE} {@code YES}: an admin may grant
 *       it). Where users are not enabled every connection may do everything, and the grantee is
 *       {@code PUBLIC}.
 *   <li>{@code MERIDIAN.CAPACITY}: one row per table with a capacity limit in the serving
 *       region, as the serving peer enforces it: the region's limits, this peer's share, and what
 *       this peer accepted and throttled over the last minute and since it started.
 * </ul>
 */
public final class SystemTables {
  private SystemTables() {}

  /** The schema holding the system tables. */
  public static final String SCHEMA = "MERIDIAN";

  /** {@code MERIDIAN.REGIONS}. */
  public static final TableSchema REGIONS = table(-1, "REGIONS",
      "REGION", varchar(), "ROLE", varchar(), "STATE", varchar(), "PEERS", integer(),
      "EPOCH", bigint(), "CLOCK_SKEW_EVENTS", bigint(), "SHIPPED_THROUGH_MS", bigint(),
      "TOMBSTONES_PURGED", bigint());

  /** {@code MERIDIAN.REPLICATION_LINKS}. */
  public static final TableSchema REPLICATION_LINKS = table(-2, "REPLICATION_LINKS",
      "FROM_REGION", varchar(), "TO_REGION", varchar(), "MEASURED_AT", varchar(),
      "STATE", varchar(), "LAG_P50_MS", dbl(), "LAG_P99_MS", dbl(), "LAG_MAX_MS", dbl(),
      "LAG_SAMPLES", bigint(), "BACKLOG", bigint(), "RECORDS", bigint(),
      "LAST_APPLY", ColumnType.of(TypeKind.TIMESTAMP), "CONFLICTS_RESOLVED", bigint(),
      "SKEW_EVENTS", bigint(), "REPAIRS", bigint(), "ROWS_REPAIRED", bigint(),
      "STREAMS_TO_REPAIR", bigint(), "TO_EPOCH", bigint(), "RESHIPPED", bigint());

  /** {@code MERIDIAN.TABLES}. */
  public static final TableSchema TABLES = table(-3, "TABLES",
      "TABLE_NAME", varchar(), "TABLE_ID", bigint(), "VERSION", bigint(), "COLUMNS", integer(),
      "DROPPED_COLUMNS", integer(), "CONFLICT_RESOLUTION", varchar(), "TTL_COLUMN", varchar(),
      "CONFLICT_LOG", varchar());

  /**
   * {@code MERIDIAN.CONFLICTS}. {@code LOSING_STAMP} and {@code WINNING_STAMP} are the stamps'
   * hybrid-clock values (comparable: the higher wins, the origin region breaking ties);
   * {@code *_WRITTEN_AT} their physical times; {@code WON_BY} is {@code value} or
   * {@code delete}.
   */
  public static final TableSchema CONFLICTS = new TableSchema(-4, "CONFLICTS", List.of(
      new ColumnDef("OBSERVED_IN", varchar(), false),
      new ColumnDef("TABLE_NAME", varchar(), false),
      new ColumnDef("ROW_KEY", ColumnType.of(TypeKind.VARCHAR, 4096), false),
      new ColumnDef("COLUMN_NAME", varchar(), false),
      new ColumnDef("LOSING_STAMP", bigint(), false),
      new ColumnDef("LOSING_REGION", varchar(), true),
      new ColumnDef("LOSING_VALUE", ColumnType.of(TypeKind.VARCHAR, 4096), true),
      new ColumnDef("LOSING_WRITTEN_AT", ColumnType.of(TypeKind.TIMESTAMP), true),
      new ColumnDef("WINNING_STAMP", bigint(), true),
      new ColumnDef("WINNING_REGION", varchar(), true),
      new ColumnDef("WINNING_WRITTEN_AT", ColumnType.of(TypeKind.TIMESTAMP), true),
      new ColumnDef("WON_BY", varchar(), true),
      new ColumnDef("OBSERVED_AT", ColumnType.of(TypeKind.TIMESTAMP), true)),
      List.of(0, 1, 2, 3, 4), ConflictResolution.CELL);

  /** {@code MERIDIAN.USERS}. */
  public static final TableSchema USERS = table(-5, "USERS",
      "USER_NAME", varchar(), "ADMIN", ColumnType.of(TypeKind.BOOLEAN), "PRIVILEGES",
      ColumnType.of(TypeKind.VARCHAR, 4096));

  private static final long SECURITY_ID = -6;

  /** {@code MERIDIAN.SECURITY}. */
  public static final TableSchema SECURITY = table(SECURITY_ID, "SECURITY",
      "PEER", varchar(), "EVENT", varchar(), "REGION", varchar(), "TOTAL", bigint());

  /** {@code MERIDIAN.TABLE_PRIVILEGES}. */
  public static final TableSchema TABLE_PRIVILEGES = new TableSchema(-8, "TABLE_PRIVILEGES",
      List.of(new ColumnDef("GRANTEE", varchar(), false),
          new ColumnDef("TABLE_NAME", varchar(), false),
          new ColumnDef("PRIVILEGE", varchar(), false),
          new ColumnDef("IS_GRANTABLE", varchar(), false)),
      List.of(0, 1, 2), ConflictResolution.CELL);

  private static final long CAPACITY_ID = -7;

  /**
   * {@code MERIDIAN.CAPACITY}. Limits are per second for the whole region ({@code null}: on
   * demand); {@code PEER_SHARE} is this peer's part of them; the counts are this peer's over the
   * last 60 seconds.
   */
  public static final TableSchema CAPACITY = table(CAPACITY_ID, "CAPACITY",
      "PEER", varchar(), "TABLE_NAME", varchar(), "REGION", varchar(),
      "WRITE_LIMIT", bigint(), "READ_LIMIT", bigint(), "PEER_SHARE", dbl(),
      "WRITES_LAST_MINUTE", bigint(), "READS_LAST_MINUTE", bigint(),
      "WRITES_THROTTLED_LAST_MINUTE", bigint(), "READS_THROTTLED_LAST_MINUTE", bigint(),
      "WRITES_THROTTLED", bigint(), "READS_THROTTLED", bigint());

  private static final Map<String, TableSchema> BY_NAME = Map.of(
      REGIONS.name(), REGIONS, REPLICATION_LINKS.name(), REPLICATION_LINKS,
      TABLES.name(), TABLES, CONFLICTS.name(), CONFLICTS, USERS.name(), USERS,
      SECURITY.name(), SECURITY, TABLE_PRIVILEGES.name(), TABLE_PRIVILEGES, CAPACITY.name(),
      CAPACITY);

  /** Every system table, by name. */
  public static List<TableSchema> all() {
    return List.of(CAPACITY, CONFLICTS, REGIONS, REPLICATION_LINKS, SECURITY, TABLES,
        TABLE_PRIVILEGES, USERS);
  }

  /** The system table of a name (any case, without the schema), or null. */
  public static TableSchema byName(String name) {
    return name == null ? null : BY_NAME.get(name.toUpperCase(Locale.ROOT));
  }

  private static ColumnType varchar() {
    return ColumnType.of(TypeKind.VARCHAR, 256);
  }

  private static ColumnType integer() {
    return ColumnType.of(TypeKind.INTEGER);
  }

  private static ColumnType bigint() {
    return ColumnType.of(TypeKind.BIGINT);
  }

  private static ColumnType dbl() {
    return ColumnType.of(TypeKind.DOUBLE);
  }

  private static TableSchema table(long id, String name, Object... nameTypePairs) {
    int keys = id == -2 ? 2 : id == SECURITY_ID || id == CAPACITY_ID ? 3 : 1;
    List<ColumnDef> columns = new ArrayList<>();
    for (int i = 0; i < nameTypePairs.length; i += 2) {
      columns.add(new ColumnDef((String) nameTypePairs[i], (ColumnType) nameTypePairs[i + 1],
          i / 2 >= Math.max(keys, 2)));
    }
    return new TableSchema(id, name, columns, List.of(0, 1, 2).subList(0, keys),
        ConflictResolution.CELL);
  }
}
