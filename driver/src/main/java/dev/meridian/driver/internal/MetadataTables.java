package dev.meridian.driver.internal;

import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The result sets of {@link java.sql.DatabaseMetaData}'s catalog queries ({@code getTables},
 * {@code getColumns}, {@code getPrimaryKeys}, {@code getTypeInfo}, ...), built from table
 * definitions with the columns and order JDBC prescribes. Meridian has no catalogs: that column
 * is NULL and only a null, "" or "%"-matching catalog pattern finds tables. User tables have no
 * schema either (NULL; found by a null, "" or "%"-matching schema pattern); the system tables
 * ({@link SystemTables}) are in schema {@code MERIDIAN}, of type {@code SYSTEM TABLE}, and found
 * by a null schema pattern or one matching {@code MERIDIAN}. Stateless and thread-safe.
 */
final class MetadataTables {
  private static final ColumnType TEXT = ColumnType.of(TypeKind.VARCHAR, ColumnType.MAX_LENGTH);
  private static final ColumnType INT = ColumnType.of(TypeKind.INTEGER);
  private static final ColumnType SHORT = ColumnType.of(TypeKind.SMALLINT);
  private static final ColumnType BOOL = ColumnType.of(TypeKind.BOOLEAN);

  /** The table type of user tables. */
  static final String TABLE_TYPE = "TABLE";
  /** The table type of the system tables in schema {@code MERIDIAN}. */
  static final String SYSTEM_TABLE_TYPE = "SYSTEM TABLE";

  /** A table as the catalog queries list it: its schema (null for user tables) and type. */
  private record Listed(String schema, TableSchema table, String type) {}

  private MetadataTables() {}

  /** A result of computed columns; {@code spec} alternates labels and types. */
  private static List<ResultColumn> columns(Object... spec) {
    List<ResultColumn> out = new ArrayList<>(spec.length / 2);
    for (int i = 0; i < spec.length; i += 2) {
      out.add(ResultColumn.computed((String) spec[i], (ColumnType) spec[i + 1]));
    }
    return out;
  }

  static MeridianResultSet result(MeridianConnection c, List<ResultColumn> columns,
      List<Object[]> rows) {
    return new MeridianResultSet(null, c, columns, rows);
  }

  /** A JDBC search pattern ({@code %}, {@code _}, escape {@code \}) as a regex; null matches all. */
  static Pattern pattern(String jdbcPattern) {
    if (jdbcPattern == null) {
      return Pattern.compile(".*", Pattern.DOTALL);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < jdbcPattern.length(); i++) {
      char ch = jdbcPattern.charAt(i);
      if (ch == '\\' && i + 1 < jdbcPattern.length()) {
        b.append(Pattern.quote(String.valueOf(jdbcPattern.charAt(++i))));
      } else if (ch == '%') {
        b.append(".*");
      } else if (ch == '_') {
        b.append('.');
      } else {
        b.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(b.toString(), Pattern.DOTALL);
  }

  /** Whether a catalog or schema pattern can match Meridian's absent catalog/schema. */
  static boolean matchesNoSchema(String catalogOrSchema) {
    return catalogOrSchema == null || catalogOrSchema.isEmpty()
        || pattern(catalogOrSchema).matcher("").matches();
  }

  /** Whether a schema pattern matches schema {@code MERIDIAN}; null matches every schema. */
  static boolean matchesSystemSchema(String schemaPattern) {
    return schemaPattern == null || pattern(schemaPattern).matcher(SystemTables.SCHEMA).matches();
  }

  /**
   * The user tables and system tables that the patterns match, user tables first, each group by
   * name.
   */
  private static List<Listed> tables(List<TableSchema> all, String catalog,
      String schemaPattern, String tablePattern) {
    List<Listed> out = new ArrayList<>();
    if (!matchesNoSchema(catalog)) {
      return out;
    }
    Pattern p = pattern(tablePattern);
    if (matchesNoSchema(schemaPattern)) {
      for (TableSchema t : sorted(all)) {
        if (p.matcher(t.name()).matches()) {
          out.add(new Listed(null, t, TABLE_TYPE));
        }
      }
    }
    if (matchesSystemSchema(schemaPattern)) {
      for (TableSchema t : sorted(SystemTables.all())) {
        if (p.matcher(t.name()).matches()) {
          out.add(new Listed(SystemTables.SCHEMA, t, SYSTEM_TABLE_TYPE));
        }
      }
    }
    return out;
  }

  private static List<TableSchema> sorted(List<TableSchema> tables) {
    List<TableSchema> out = new ArrayList<>(tables);
    out.sort(Comparator.comparing(TableSchema::name));
    return out;
  }

  /** Ordered by TABLE_TYPE, then schema and name, as JDBC prescribes. */
  static MeridianResultSet tables(MeridianConnection c, List<TableSchema> all, String catalog,
      String schemaPattern, String tablePattern, String[] types) {
    List<Object[]> rows = new ArrayList<>();
    List<Listed> listed = tables(all, catalog, schemaPattern, tablePattern);
    listed.sort(Comparator.comparing(Listed::type)); // stable: schema and name order stays
    for (Listed l : listed) {
      if (types == null || Arrays.asList(types).contains(l.type())) {
        rows.add(new Object[] {null, l.schema(), l.table().name(), l.type(), "", null, null,
            null, null, null});
      }
    }
    return result(c, columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
        "TABLE_TYPE", TEXT, "REMARKS", TEXT, "TYPE_CAT", TEXT, "TYPE_SCHEM", TEXT, "TYPE_NAME",
        TEXT, "SELF_REFERENCING_COL_NAME", TEXT, "REF_GENERATION", TEXT), rows);
  }

  static MeridianResultSet columns(MeridianConnection c, List<TableSchema> all, String catalog,
      String schemaPattern, String tablePattern, String columnPattern) {
    List<Object[]> rows = new ArrayList<>();
    Pattern cp = pattern(columnPattern);
    for (Listed l : tables(all, catalog, schemaPattern, tablePattern)) {
      TableSchema t = l.table();
      int[] visible = t.visibleColumnIds();
      for (int i = 0; i < visible.length; i++) {
        ColumnDef d = t.column(visible[i]);
        if (!cp.matcher(d.name()).matches()) {
          continue;
        }
        ColumnType type = d.type();
        TypeKind k = type.kind();
        rows.add(new Object[] {null, l.schema(), t.name(), d.name(), type.jdbcType(), k.name(),
            TypeFacts.precision(type), null,
            TypeFacts.numeric(k) || k == TypeKind.TIME || k == TypeKind.TIMESTAMP
                ? TypeFacts.scale(type) : null,
            TypeFacts.numeric(k) ? 10 : null,
            d.nullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
            "", null, null, null,
            octetLength(type),
            i + 1, d.nullable() ? "YES" : "NO", null, null, null, null, "NO", "NO"});
      }
    }
    return result(c, columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
        "COLUMN_NAME", TEXT, "DATA_TYPE", INT, "TYPE_NAME", TEXT, "COLUMN_SIZE", INT,
        "BUFFER_LENGTH", INT, "DECIMAL_DIGITS", INT, "NUM_PREC_RADIX", INT, "NULLABLE", INT,
        "REMARKS", TEXT, "COLUMN_DEF", TEXT, "SQL_DATA_TYPE", INT, "SQL_DATETIME_SUB", INT,
        "CHAR_OCTET_LENGTH", INT, "ORDINAL_POSITION", INT, "IS_NULLABLE", TEXT,
        "SCOPE_CATALOG", TEXT, "SCOPE_SCHEMA", TEXT, "SCOPE_TABLE", TEXT, "SOURCE_DATA_TYPE",
        SHORT, "IS_AUTOINCREMENT", TEXT, "IS_GENERATEDCOLUMN", TEXT), rows);
  }

  /** Bytes a value may take: 4 per character of text (UTF-8), the length of binary, else null. */
  private static Integer octetLength(ColumnType type) {
    switch (type.kind()) {
      case VARCHAR:
      case CHAR:
        return (int) Math.min(Integer.MAX_VALUE, 4L * type.precision());
      case VARBINARY:
        return type.precision();
      default:
        return null;
    }
  }

  static MeridianResultSet primaryKeys(MeridianConnection c, List<TableSchema> all,
      String catalog, String schema, String table) {
    List<Object[]> rows = new ArrayList<>();
    for (Listed l : tables(all, catalog, schema, null)) {
      TableSchema t = l.table();
      if (!t.name().equals(table)) {
        continue;
      }
      List<Object[]> key = new ArrayList<>();
      for (int k = 0; k < t.keyColumns().size(); k++) {
        key.add(new Object[] {null, l.schema(), t.name(), t.column(t.keyColumns().get(k)).name(),
            (short) (k + 1), "PRIMARY"});
      }
      key.sort(Comparator.comparing(r -> (String) r[3]));
      rows.addAll(key);
    }
    return result(c, columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
        "COLUMN_NAME", TEXT, "KEY_SEQ", SHORT, "PK_NAME", TEXT), rows);
  }

  /**
   * The privileges held on the user tables the patterns match, from the serving region's
   * {@code MERIDIAN.TABLE_PRIVILEGES} rows (grantee, table, privilege, grantable); ordered by
   * table, privilege and grantee. No grantor is recorded, so {@code GRANTOR} is null.
   */
  static MeridianResultSet tablePrivileges(MeridianConnection c, List<TableSchema> all,
      List<Object[]> privilegeRows, String catalog, String schemaPattern, String tablePattern) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Listed l : tables(all, catalog, schemaPattern, tablePattern)) {
      if (l.schema() == null) {
        names.add(l.table().name());
      }
    }
    List<Object[]> rows = new ArrayList<>();
    for (Object[] p : privilegeRows) {
      if (names.contains((String) p[1])) {
        rows.add(new Object[] {null, null, p[1], null, p[0], p[2], p[3]});
      }
    }
    rows.sort(Comparator.comparing((Object[] r) -> (String) r[2])
        .thenComparing(r -> (String) r[5]).thenComparing(r -> (String) r[4]));
    return result(c, columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
        "GRANTOR", TEXT, "GRANTEE", TEXT, "PRIVILEGE", TEXT, "IS_GRANTABLE", TEXT), rows);
  }

  /** The primary key as the one unique index of each table. */
  static MeridianResultSet indexInfo(MeridianConnection c, List<TableSchema> all,
      java.util.function.Function<String, List<dev.meridian.protocol.types.IndexDef>> indexes,
      String catalog, String schema, String table, boolean unique) {
    List<Object[]> rows = new ArrayList<>();
    for (Listed l : tables(all, catalog, schema, null)) {
      TableSchema t = l.table();
      if (!t.name().equals(table)) {
        continue;
      }
      for (int k = 0; k < t.keyColumns().size(); k++) {
        rows.add(new Object[] {null, l.schema(), t.name(), false, null, "PRIMARY",
            DatabaseMetaData.tableIndexOther, (short) (k + 1),
            t.column(t.keyColumns().get(k)).name(), null, null, null, null});
      }
      if (unique) {
        continue;
      }
      // Secondary indexes of the serving region: non-unique, one row per column.
      for (dev.meridian.protocol.types.IndexDef d : indexes.apply(t.name())) {
        for (int k = 0; k < d.keys().size(); k++) {
          rows.add(new Object[] {null, l.schema(), t.name(), true, null, d.name(),
              DatabaseMetaData.tableIndexOther, (short) (k + 1),
              t.column(d.keys().get(k).column()).name(),
              d.keys().get(k).descending() ? "D" : "A", null, null, null});
        }
      }
    }
    return result(c, columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
        "NON_UNIQUE", BOOL, "INDEX_QUALIFIER", TEXT, "INDEX_NAME", TEXT, "TYPE", SHORT,
        "ORDINAL_POSITION", SHORT, "COLUMN_NAME", TEXT, "ASC_OR_DESC", TEXT, "CARDINALITY",
        ColumnType.of(TypeKind.BIGINT), "PAGES", ColumnType.of(TypeKind.BIGINT),
        "FILTER_CONDITION", TEXT), rows);
  }

  /**
   * The primary key as the best row identifier: valid for the session (a key never changes; an
   * UPDATE cannot assign key columns), not a pseudo column.
   */
  static MeridianResultSet bestRowIdentifier(MeridianConnection c, List<TableSchema> all,
      String catalog, String schema, String table) {
    List<Object[]> rows = new ArrayList<>();
    for (Listed l : tables(all, catalog, schema, null)) {
      TableSchema t = l.table();
      if (!t.name().equals(table)) {
        continue;
      }
      for (int k : t.keyColumns()) {
        ColumnType type = t.column(k).type();
        rows.add(new Object[] {(short) DatabaseMetaData.bestRowSession, t.column(k).name(),
            type.jdbcType(), type.kind().name(), TypeFacts.precision(type), null,
            TypeFacts.numeric(type.kind()) ? (short) TypeFacts.scale(type) : null,
            (short) DatabaseMetaData.bestRowNotPseudo});
      }
    }
    return result(c, columns("SCOPE", SHORT, "COLUMN_NAME", TEXT, "DATA_TYPE", INT,
        "TYPE_NAME", TEXT, "COLUMN_SIZE", INT, "BUFFER_LENGTH", INT, "DECIMAL_DIGITS", SHORT,
        "PSEUDO_COLUMN", SHORT), rows);
  }

  /** No stored procedures exist: the empty result of getProcedures. */
  static MeridianResultSet procedures(MeridianConnection c) {
    return result(c, columns("PROCEDURE_CAT", TEXT, "PROCEDURE_SCHEM", TEXT, "PROCEDURE_NAME",
        TEXT, "RESERVED1", TEXT, "RESERVED2", TEXT, "RESERVED3", TEXT, "REMARKS", TEXT,
        "PROCEDURE_TYPE", SHORT, "SPECIFIC_NAME", TEXT), new ArrayList<>());
  }

  /** No user-defined functions exist: the empty result of getFunctions. */
  static MeridianResultSet functions(MeridianConnection c) {
    return result(c, columns("FUNCTION_CAT", TEXT, "FUNCTION_SCHEM", TEXT, "FUNCTION_NAME",
        TEXT, "REMARKS", TEXT, "FUNCTION_TYPE", SHORT, "SPECIFIC_NAME", TEXT), new ArrayList<>());
  }

  /** No user-defined types exist: the empty result of getUDTs. */
  static MeridianResultSet udts(MeridianConnection c) {
    return result(c, columns("TYPE_CAT", TEXT, "TYPE_SCHEM", TEXT, "TYPE_NAME", TEXT,
        "CLASS_NAME", TEXT, "DATA_TYPE", INT, "REMARKS", TEXT, "BASE_TYPE", SHORT),
        new ArrayList<>());
  }

  /** The one client info property a connection keeps and reports: ApplicationName. */
  static MeridianResultSet clientInfoProperties(MeridianConnection c) {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"ApplicationName", ColumnType.MAX_LENGTH, null,
        "the application's name; set by the applicationName option or setClientInfo"});
    return result(c, columns("NAME", TEXT, "MAX_LEN", INT, "DEFAULT_VALUE", TEXT,
        "DESCRIPTION", TEXT), rows);
  }

  /** No foreign keys exist: the empty result of getImportedKeys and its kin. */
  static MeridianResultSet keys(MeridianConnection c) {
    return result(c, columns("PKTABLE_CAT", TEXT, "PKTABLE_SCHEM", TEXT, "PKTABLE_NAME", TEXT,
        "PKCOLUMN_NAME", TEXT, "FKTABLE_CAT", TEXT, "FKTABLE_SCHEM", TEXT, "FKTABLE_NAME", TEXT,
        "FKCOLUMN_NAME", TEXT, "KEY_SEQ", SHORT, "UPDATE_RULE", SHORT, "DELETE_RULE", SHORT,
        "FK_NAME", TEXT, "PK_NAME", TEXT, "DEFERRABILITY", SHORT), new ArrayList<>());
  }

  /** The one named schema, {@code MERIDIAN}, when the patterns match it (null matches all). */
  static MeridianResultSet schemas(MeridianConnection c, String catalog, String schemaPattern) {
    List<Object[]> rows = new ArrayList<>();
    if (matchesNoSchema(catalog) && matchesSystemSchema(schemaPattern)) {
      rows.add(new Object[] {SystemTables.SCHEMA, null});
    }
    return result(c, columns("TABLE_SCHEM", TEXT, "TABLE_CATALOG", TEXT), rows);
  }

  static MeridianResultSet catalogs(MeridianConnection c) {
    return result(c, columns("TABLE_CAT", TEXT), new ArrayList<>());
  }

  static MeridianResultSet tableTypes(MeridianConnection c) {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {SYSTEM_TABLE_TYPE});
    rows.add(new Object[] {TABLE_TYPE});
    return result(c, columns("TABLE_TYPE", TEXT), rows);
  }

  /** One row per {@link TypeKind}, ordered by JDBC type code. */
  static MeridianResultSet typeInfo(MeridianConnection c) {
    List<TypeKind> kinds = new ArrayList<>(List.of(TypeKind.values()));
    kinds.sort(Comparator.comparingInt(TypeKind::jdbcType));
    List<Object[]> rows = new ArrayList<>();
    for (TypeKind k : kinds) {
      rows.add(new Object[] {k.name(), k.jdbcType(), TypeFacts.maxPrecision(k),
          TypeFacts.literalPrefix(k), TypeFacts.literalSuffix(k), TypeFacts.createParams(k),
          (short) DatabaseMetaData.typeNullable, TypeFacts.caseSensitive(k),
          (short) DatabaseMetaData.typeSearchable, false,
          false, false, k.name(), (short) 0,
          (short) (k == TypeKind.DECIMAL ? ColumnType.MAX_DECIMAL_PRECISION : 0),
          null, null, TypeFacts.numeric(k) ? 10 : null});
    }
    return result(c, columns("TYPE_NAME", TEXT, "DATA_TYPE", INT, "PRECISION", INT,
        "LITERAL_PREFIX", TEXT, "LITERAL_SUFFIX", TEXT, "CREATE_PARAMS", TEXT, "NULLABLE", SHORT,
        "CASE_SENSITIVE", BOOL, "SEARCHABLE", SHORT, "UNSIGNED_ATTRIBUTE", BOOL,
        "FIXED_PREC_SCALE", BOOL, "AUTO_INCREMENT", BOOL, "LOCAL_TYPE_NAME", TEXT,
        "MINIMUM_SCALE", SHORT, "MAXIMUM_SCALE", SHORT, "SQL_DATA_TYPE", INT, "SQL_DATETIME_SUB",
        INT, "NUM_PREC_RADIX", INT), rows);
  }

  /** {@link ResultSet#TYPE_FORWARD_ONLY} is the only type. */
  static boolean supportsType(int type) {
    return type == ResultSet.TYPE_FORWARD_ONLY;
  }
}
