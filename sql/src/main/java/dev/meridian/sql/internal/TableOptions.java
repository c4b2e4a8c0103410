package dev.meridian.sql.internal;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.sql.internal.parser.SqlTableOption;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * Reads table options, in {@code CREATE TABLE … WITH (…)} and {@code ALTER TABLE … SET (…)} /
 * {@code RESET (…)}: {@code conflict_resolution = 'cell' | 'row'} (at creation only), and
 * {@code write_capacity} / {@code read_capacity} = {@code 'N/s'} or {@code 'on_demand'}, for
 * every region or, as {@code write_capacity['eu-west-1']}, for one; {@code ttl_column =
 * 'column'} naming a TIMESTAMP column outside the key after whose time a row expires; and
 * {@code conflict_log = 'on' | 'off'}. A bad option fails with its position and what to write
 * instead. Stateless.
 */
final class TableOptions {
  static final String CONFLICT_RESOLUTION = "CONFLICT_RESOLUTION";
  static final String WRITE_CAPACITY = "WRITE_CAPACITY";
  static final String READ_CAPACITY = "READ_CAPACITY";
  static final String TTL_COLUMN = "TTL_COLUMN";
  static final String CONFLICT_LOG = "CONFLICT_LOG";

  private static final Pattern RATE = Pattern.compile("\\s*(\\d{1,10})\\s*/\\s*s\\s*");
  private static final String KNOWN =
      "the options are conflict_resolution, write_capacity, read_capacity, ttl_column and"
          + " conflict_log";

  private TableOptions() {}

  /** The conflict resolution a CREATE TABLE's options ask for (cell when none). */
  static ConflictResolution resolution(SqlNodeList options) {
    ConflictResolution resolution = null;
    for (SqlNode node : options) {
      SqlTableOption option = (SqlTableOption) node;
      if (!key(option).equals(CONFLICT_RESOLUTION)) {
        continue;
      }
      if (option.region() != null) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
            "conflict_resolution is one for all regions; remove ['…']", option.region());
      }
      if (resolution != null) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "table option "
            + option.key().getSimple() + " is given twice", option.key());
      }
      String value = text(option.value());
      resolution = switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "cell" -> ConflictResolution.CELL;
        case "row" -> ConflictResolution.ROW;
        default -> throw SourceText.error(SqlState.INVALID_PARAMETER_VALUE, "conflict_resolution"
            + " must be 'cell' or 'row', not '" + value + "'", option.value());
      };
    }
    return resolution == null ? ConflictResolution.CELL : resolution;
  }

  /**
   * Applies the capacity options of a CREATE TABLE's {@code WITH} or an ALTER TABLE's
   * {@code SET}/{@code RESET} to {@code capacity}; any other option fails.
   *
   * @param reset whether the options are names to reset (RESET) rather than values to set
   * @param creating whether this is CREATE TABLE (where conflict_resolution is allowed)
   */
  static TableCapacity capacity(TableCapacity capacity, SqlNodeList options, boolean reset,
      boolean creating) {
    Set<String> seen = new HashSet<>();
    TableCapacity result = capacity;
    for (SqlNode node : options) {
      SqlTableOption option = (SqlTableOption) node;
      String key = key(option);
      if (key.equals(CONFLICT_RESOLUTION)) {
        if (creating) {
          continue;
        }
        throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "conflict_resolution cannot"
            + " change on a live table: rows already stored keep the stamps of the old rule; create"
            + " a new table and copy the rows", option.key());
      }
      if (key.equals(TTL_COLUMN) || key.equals(CONFLICT_LOG)) {
        continue;
      }
      if (!key.equals(WRITE_CAPACITY) && !key.equals(READ_CAPACITY)) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "unknown table"
            + " option " + option.key().getSimple() + "; " + KNOWN, option.key());
      }
      String region = option.region() == null ? TableCapacity.ALL_REGIONS
          : text(option.region()).strip();
      if (option.region() != null
          && (region.isEmpty() || region.equals(TableCapacity.ALL_REGIONS))) {
        throw SourceText.error(SqlState.INVALID_PARAMETER_VALUE, "a region name is expected in "
            + key.toLowerCase(Locale.ROOT) + "['…'], as in ['eu-west-1']; leave out ['…'] to"
            + " limit every region", option.region());
      }
      if (!seen.add(key + "|" + region)) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "table option "
            + describe(key, region) + " is given twice", option.key());
      }
      boolean write = key.equals(WRITE_CAPACITY);
      result = result.with(write, region, reset ? null : limit(option, key, region));
    }
    return result;
  }

  /**
   * The ttl column the options leave: {@code current} when they do not name ttl_column, the
   * column's id when they set it, {@link TableSchema#NO_TTL} when they reset it.
   *
   * @param columns the table's columns (ids are indexes), dropped ones included
   * @param key the ids of the key columns
   */
  static int ttlColumn(int current, List<ColumnDef> columns, List<Integer> key,
      SqlNodeList options, boolean reset) {
    int result = current;
    SqlTableOption seen = null;
    for (SqlNode node : options) {
      SqlTableOption option = (SqlTableOption) node;
      if (!key(option).equals(TTL_COLUMN)) {
        continue;
      }
      once(option, seen);
      seen = option;
      if (reset) {
        result = TableSchema.NO_TTL;
        continue;
      }
      String name = text(option.value()).strip();
      int id = find(columns, name);
      if (id < 0) {
        throw SourceText.error(SqlState.UNDEFINED_COLUMN, "ttl_column names " + name
            + ", which is not a column of the table; name a TIMESTAMP column, as"
            + " ttl_column = 'expires_at'", option.value());
      }
      ColumnDef column = columns.get(id);
      if (column.type().kind() != TypeKind.TIMESTAMP) {
        throw SourceText.error(SqlState.DATATYPE_MISMATCH, "ttl_column must name a TIMESTAMP"
            + " column; " + column.name() + " is " + column.type(), option.value());
      }
      if (key.contains(id)) {
        throw SourceText.error(SqlState.INVALID_TABLE_DEFINITION, "ttl_column cannot be the key"
            + " column " + column.name() + ": a row's key never changes, so its expiry could"
            + " not be extended; add a TIMESTAMP column for the expiry", option.value());
      }
      result = id;
    }
    return result;
  }

  /** Whether the conflict log records the table after these options ({@code current} if unset). */
  static boolean conflictLog(boolean current, SqlNodeList options, boolean reset) {
    boolean result = current;
    SqlTableOption seen = null;
    for (SqlNode node : options) {
      SqlTableOption option = (SqlTableOption) node;
      if (!key(option).equals(CONFLICT_LOG)) {
        continue;
      }
      once(option, seen);
      seen = option;
      if (reset) {
        result = true;
        continue;
      }
      String value = text(option.value());
      result = switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "on" -> true;
        case "off" -> false;
        default -> throw SourceText.error(SqlState.INVALID_PARAMETER_VALUE, "conflict_log must be"
            + " 'on' or 'off', not '" + value + "'", option.value());
      };
    }
    return result;
  }

  private static void once(SqlTableOption option, SqlTableOption seen) {
    if (option.region() != null) {
      throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
          option.key().getSimple() + " is one for all regions; remove ['…']", option.region());
    }
    if (seen != null) {
      throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "table option "
          + option.key().getSimple() + " is given twice", option.key());
    }
  }

  private static int find(List<ColumnDef> columns, String name) {
    for (String candidate : List.of(name, name.toUpperCase(Locale.ROOT))) {
      for (int i = 0; i < columns.size(); i++) {
        if (!columns.get(i).dropped() && columns.get(i).name().equals(candidate)) {
          return i;
        }
      }
    }
    return -1;
  }

  private static long limit(SqlTableOption option, String key, String region) {
    String value = text(option.value());
    String plain = value.strip().toLowerCase(Locale.ROOT);
    if (plain.equals("on_demand") || plain.equals("on demand")) {
      return TableCapacity.ON_DEMAND;
    }
    Matcher m = RATE.matcher(plain);
    long limit = m.matches() ? Long.parseLong(m.group(1)) : -1;
    if (limit < 1 || limit > TableCapacity.MAX_LIMIT) {
      throw SourceText.error(SqlState.INVALID_PARAMETER_VALUE, describe(key, region) + " must"
          + " be a rate of 1 to " + TableCapacity.MAX_LIMIT + " rows per second, as '1000/s',"
          + " or 'on_demand' for no limit; not '" + value + "'", option.value());
    }
    return limit;
  }

  private static String describe(String key, String region) {
    String name = key.toLowerCase(Locale.ROOT);
    return region.equals(TableCapacity.ALL_REGIONS) ? name : name + "['" + region + "']";
  }

  private static String key(SqlTableOption option) {
    return option.key().getSimple().toUpperCase(Locale.ROOT);
  }

  private static String text(SqlNode node) {
    return node instanceof SqlLiteral literal
        ? literal.getValueAs(String.class) : String.valueOf(node);
  }
}
