package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.sql.api.Catalog;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * A table a statement reads or writes, with the alias it goes by, and the resolution of table
 * and column names against it.
 *
 * <p>Names are matched exactly, after Calcite applied the casing rules (unquoted upper-cased,
 * quoted kept). User tables live in schema {@code PUBLIC}: {@code PUBLIC.T} is {@code T}.
 * Schema {@code MERIDIAN} holds the read-only system tables ({@link SystemTables}), always
 * named with their schema; a statement that names one where only a user table may stand fails
 * with {@code 0A000} naming the statement, or {@code 42P01} listing the system tables when it
 * names none of them.
 *
 * @param schema the table's definition
 * @param alias the alias the statement gives it, or null
 * @param schemaName the schema the table lives in: {@code PUBLIC} or {@code MERIDIAN}
 */
record TableRef(TableSchema schema, String alias, String schemaName) {
  static final String SCHEMA = "PUBLIC";

  /** A user table (schema {@code PUBLIC}). */
  TableRef(TableSchema schema, String alias) {
    this(schema, alias, SCHEMA);
  }

  /**
   * The unqualified name of the user table an identifier denotes; {@code 42P01} for an unknown
   * schema, {@code 0A000} naming {@code statement} for schema {@code MERIDIAN}.
   */
  static String tableName(SqlIdentifier id, String statement) {
    List<String> names = id.names;
    if (names.size() == 1) {
      return names.get(0);
    }
    if (names.size() == 2 && names.get(0).equals(SCHEMA)) {
      return names.get(1);
    }
    if (isSystem(id)) {
      throw notOnSystemTable(id, statement);
    }
    throw SourceText.error(SqlState.UNDEFINED_TABLE, "table " + id + " does not exist (user"
        + " tables live in schema " + SCHEMA + "; schema " + SystemTables.SCHEMA + " holds the"
        + " system tables)", id);
  }

  /** The user table an identifier names, which must exist. */
  static TableSchema existing(Catalog catalog, SqlIdentifier id, String statement) {
    String name = tableName(id, statement);
    TableSchema table = catalog.table(name);
    if (table == null) {
      throw SourceText.error(SqlState.UNDEFINED_TABLE, "table " + name + " does not exist", id);
    }
    return table;
  }

  /**
   * The table an INSERT, UPDATE or DELETE writes: a plain name (no hints, no extended columns)
   * of a user table.
   *
   * @param statement the statement, for messages: {@code INSERT}, {@code UPDATE}, ...
   */
  static TableRef target(Catalog catalog, SqlNode target, SqlIdentifier alias, SourceText text,
      String statement) {
    if (!(target instanceof SqlIdentifier id)) {
      String what = target.getKind() == SqlKind.TABLE_REF ? "table hints"
          : target.getKind() == SqlKind.EXTEND ? "extended columns" : text.quote(target);
      throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, what + " are not supported: write"
          + " a plain table name", target);
    }
    return new TableRef(existing(catalog, id, statement),
        alias == null ? null : alias.getSimple());
  }

  /** Whether an identifier is a table name in schema {@code MERIDIAN}. */
  static boolean isSystem(SqlIdentifier id) {
    return id.names.size() == 2 && id.names.get(0).equals(SystemTables.SCHEMA);
  }

  /**
   * The system table an identifier in schema {@code MERIDIAN} names (exactly, like every name);
   * {@code 42P01} listing the system tables when there is none.
   */
  static TableSchema system(SqlIdentifier id) {
    String name = id.names.get(1);
    for (TableSchema t : SystemTables.all()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw SourceText.error(SqlState.UNDEFINED_TABLE, "system table " + SystemTables.SCHEMA + "."
        + name + " does not exist; the system tables are " + systemTableNames(), id);
  }

  /** {@code MERIDIAN.REGIONS, MERIDIAN.REPLICATION_LINKS}. */
  static String systemTableNames() {
    return SystemTables.all().stream().map(t -> SystemTables.SCHEMA + "." + t.name())
        .collect(Collectors.joining(", "));
  }

  /**
   * The failure of a statement other than SELECT naming schema {@code MERIDIAN}: {@code 42P01}
   * for a name that is not a system table, else {@code 0A000} naming the statement. CREATE
   * TABLE is {@code 0A000} for any name: the schema takes no user tables.
   */
  private static MeridianException notOnSystemTable(SqlIdentifier id, String statement) {
    if (statement.startsWith("CREATE")) {
      return SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, statement + " in schema "
          + SystemTables.SCHEMA + " is not supported: it holds only the system tables "
          + systemTableNames(), id);
    }
    TableSchema table = system(id);
    return SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "system table "
        + SystemTables.SCHEMA + "." + table.name() + " is read-only: " + statement
        + " is not supported on it", id);
  }

  /** The index of the column an identifier names ({@code C}, {@code T.C}, {@code PUBLIC.T.C}). */
  int column(SqlIdentifier id) {
    List<String> names = id.names;
    String column = names.get(names.size() - 1);
    if (names.size() > 1 && !qualifies(names.subList(0, names.size() - 1))) {
      String qualifier = String.join(".", names.subList(0, names.size() - 1));
      throw SourceText.error(SqlState.UNDEFINED_TABLE, "table " + qualifier
          + " is not part of this statement (it uses " + describe() + ")", id);
    }
    int index = schema.columnIndex(column);
    if (index < 0) {
      throw SourceText.error(SqlState.UNDEFINED_COLUMN, "column " + column
          + " does not exist in table " + qualifiedName(), id);
    }
    return index;
  }

  /**
   * Whether a name prefix ({@code T}, {@code SCHEMA.T} or the alias) denotes this table.
   */
  /** A FROM item's table and alias ({@code t AS a}); the alias is null when there is none. */
  record Aliased(SqlNode table, String alias) {}

  /** Splits a FROM item into table and alias; null when it gives column aliases too. */
  static Aliased aliased(SqlNode from) {
    if (from.getKind() != SqlKind.AS) {
      return new Aliased(from, null);
    }
    List<SqlNode> parts = ((org.apache.calcite.sql.SqlCall) from).getOperandList();
    return parts.size() != 2 ? null
        : new Aliased(parts.get(0), ((SqlIdentifier) parts.get(1)).getSimple());
  }

  /**
   * The columns an UPDATE assigns, by index in column order, with their source expressions.
   *
   * @throws MeridianException {@code 0A000} for a key column (the key names the row),
   *     {@code 42601} for a column assigned twice, {@code 42703} for an unknown one; each at
   *     the column's position
   */
  java.util.TreeMap<Integer, SqlNode> assignments(org.apache.calcite.sql.SqlUpdate update) {
    org.apache.calcite.sql.SqlNodeList columns = update.getTargetColumnList();
    org.apache.calcite.sql.SqlNodeList sources = update.getSourceExpressionList();
    java.util.TreeMap<Integer, SqlNode> assigned = new java.util.TreeMap<>();
    for (int i = 0; i < columns.size(); i++) {
      SqlIdentifier id = (SqlIdentifier) columns.get(i);
      int c = column(id);
      if (schema.isKeyColumn(c)) {
        throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "UPDATE of key column "
            + schema.column(c).name() + " is not supported: the key names the row; DELETE it"
            + " and INSERT it under the new key", id);
      }
      if (assigned.put(c, sources.get(i)) != null) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "column "
            + schema.column(c).name() + " is assigned twice", id);
      }
    }
    return assigned;
  }

  boolean qualifies(List<String> prefix) {
    if (alias != null) {
      return prefix.size() == 1 && prefix.get(0).equals(alias);
    }
    if (prefix.size() == 1) {
      return prefix.get(0).equals(schema.name());
    }
    return prefix.size() == 2 && prefix.get(0).equals(schemaName)
        && prefix.get(1).equals(schema.name());
  }

  /** The table's name as messages show it: {@code T} for user tables, {@code MERIDIAN.T}. */
  String qualifiedName() {
    return schemaName.equals(SCHEMA) ? schema.name() : schemaName + "." + schema.name();
  }

  private String describe() {
    return alias == null ? qualifiedName() : qualifiedName() + " AS " + alias;
  }
}
