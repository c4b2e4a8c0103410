package dev.meridian.sql.internal;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.sql.api.Catalog;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * A table a statement reads or writes, with the alias it goes by, and the resolution of table
 * and column names against it.
 *
 * <p>Names are matched exactly, after Calcite applied the casing rules (unquoted upper-cased,
 * quoted kept). The only schema is {@code PUBLIC}: {@code PUBLIC.T} is {@code T}.
 *
 * @param schema the table's definition
 * @param alias the alias the statement gives it, or null
 */
record TableRef(TableSchema schema, String alias) {
  static final String SCHEMA = "PUBLIC";

  /** The unqualified table name an identifier denotes; {@code 42P01} for another schema. */
  static String tableName(SqlIdentifier id) {
    List<String> names = id.names;
    if (names.size() == 1) {
      return names.get(0);
    }
    if (names.size() == 2 && names.get(0).equals(SCHEMA)) {
      return names.get(1);
    }
    throw SourceText.error(SqlState.UNDEFINED_TABLE, "table " + id + " does not exist (the only"
        + " schema is " + SCHEMA + ")", id);
  }

  /** The table an identifier names, which must exist. */
  static TableSchema existing(Catalog catalog, SqlIdentifier id) {
    String name = tableName(id);
    TableSchema table = catalog.table(name);
    if (table == null) {
      throw SourceText.error(SqlState.UNDEFINED_TABLE, "table " + name + " does not exist", id);
    }
    return table;
  }

  /**
   * The table an INSERT, UPDATE or DELETE writes: a plain name (no hints, no extended columns).
   */
  static TableRef target(Catalog catalog, SqlNode target, SqlIdentifier alias, SourceText text) {
    if (!(target instanceof SqlIdentifier id)) {
      String what = target.getKind() == SqlKind.TABLE_REF ? "table hints"
          : target.getKind() == SqlKind.EXTEND ? "extended columns" : text.quote(target);
      throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, what + " are not supported: write"
          + " a plain table name", target);
    }
    return new TableRef(existing(catalog, id), alias == null ? null : alias.getSimple());
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
          + " does not exist in table " + schema.name(), id);
    }
    return index;
  }

  /** Whether a name prefix ({@code T}, {@code PUBLIC.T} or the alias) denotes this table. */
  boolean qualifies(List<String> prefix) {
    if (alias != null) {
      return prefix.size() == 1 && prefix.get(0).equals(alias);
    }
    if (prefix.size() == 1) {
      return prefix.get(0).equals(schema.name());
    }
    return prefix.size() == 2 && prefix.get(0).equals(SCHEMA)
        && prefix.get(1).equals(schema.name());
  }

  private String describe() {
    return alias == null ? schema.name() : schema.name() + " AS " + alias;
  }
}
