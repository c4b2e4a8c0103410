package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Plan;
import dev.meridian.sql.internal.parser.SqlAlterTable;
import dev.meridian.sql.internal.parser.SqlColumnDeclaration;
import dev.meridian.sql.internal.parser.SqlCreateIndex;
import dev.meridian.sql.internal.parser.SqlCreateTable;
import dev.meridian.sql.internal.parser.SqlDropIndex;
import dev.meridian.sql.internal.parser.SqlDropTable;
import dev.meridian.sql.internal.parser.SqlPrimaryKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlUtil;

/**
 * Plans {@code CREATE TABLE}, {@code ALTER TABLE} and {@code DROP TABLE}, and
 * {@code CREATE/DROP INDEX}.
 *
 * <p>CREATE TABLE does not consult the catalog: whether the table already exists is decided by
 * the peer that runs the plan ({@code 42P07} there), so the plan stays valid however the
 * catalog changes. DROP TABLE of an unknown table without IF EXISTS fails here with
 * {@code 42P01}.
 */
final class DdlPlanner {
  private final SourceText text;

  DdlPlanner(SourceText text) {
    this.text = text;
  }

  Plan.CreateTable create(SqlCreateTable create) {
    if (create.getReplace()) {
      throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED,
          "CREATE OR REPLACE TABLE is not supported", create);
    }
    String name = TableRef.tableName(create.name(), "CREATE TABLE");
    List<SqlColumnDeclaration> declarations = new ArrayList<>();
    Map<String, Integer> columnIndex = new HashMap<>();
    SqlNode keyDeclaration = null;
    List<SqlIdentifier> keyNames = List.of();
    for (SqlNode element : create.elements()) {
      if (element instanceof SqlColumnDeclaration column) {
        String columnName = column.name().getSimple();
        if (columnIndex.putIfAbsent(columnName, declarations.size()) != null) {
          throw SourceText.error(SqlState.DUPLICATE_COLUMN, "column " + columnName
              + " is declared twice", column);
        }
        declarations.add(column);
      }
      if (element instanceof SqlPrimaryKey || isInlineKey(element)) {
        if (keyDeclaration != null) {
          throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "table " + name
              + " declares PRIMARY KEY twice; declare a composite key once, as PRIMARY KEY (a, b)",
              element);
        }
        keyDeclaration = element;
        keyNames = element instanceof SqlPrimaryKey pk ? identifiers(pk)
            : List.of(((SqlColumnDeclaration) element).name());
      }
    }
    if (keyDeclaration == null) {
      throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "table " + name
          + " has no primary key; declare one with PRIMARY KEY", create.name());
    }
    List<Integer> key = keyColumns(name, keyNames, columnIndex);
    List<ColumnDef> columns = new ArrayList<>(declarations.size());
    for (int i = 0; i < declarations.size(); i++) {
      columns.add(column(declarations.get(i), key.contains(i)));
    }
    ConflictResolution resolution = TableOptions.resolution(create.options());
    TableCapacity capacity =
        TableOptions.capacity(TableCapacity.NONE, create.options(), false, true);
    if (resolution == ConflictResolution.ROW) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).type().kind() == TypeKind.COUNTER) {
          throw SourceText.error(SqlState.WRONG_OBJECT_TYPE, "COUNTER column "
              + columns.get(i).name() + " needs per-cell conflict resolution: with"
              + " conflict_resolution = 'row' one region's write would discard the other"
              + " regions' increments", declarations.get(i));
        }
      }
    }
    int ttl = TableOptions.ttlColumn(TableSchema.NO_TTL, columns, key, create.options(), false);
    boolean conflictLog = TableOptions.conflictLog(true, create.options(), false);
    return new Plan.CreateTable(new TableSchema(0, name, columns, key, resolution, 1, capacity,
        ttl, conflictLog), create.ifNotExists);
  }

  Plan.DropTable drop(SqlDropTable drop, Catalog catalog) {
    String name = TableRef.tableName(drop.name(), "DROP TABLE");
    if (!drop.ifExists && catalog.table(name) == null) {
      throw SourceText.error(SqlState.UNDEFINED_TABLE, "table " + name + " does not exist",
          drop.name());
    }
    return new Plan.DropTable(name, drop.ifExists);
  }

  /**
   * {@code ALTER TABLE}: the next version of the table's definition, built from the version in
   * {@code catalog} (the peer stores it only if that is still the current one). Column ids stay:
   * an added column takes the next id, a dropped one keeps its slot, marked dropped.
   */
  Plan.AlterTable alter(SqlAlterTable alter, Catalog catalog) {
    TableSchema table = TableRef.existing(catalog, alter.table(), "ALTER TABLE");
    List<ColumnDef> columns = new ArrayList<>(table.columns());
    String tableName = table.name();
    switch (alter.action()) {
      case ADD_COLUMN -> {
        SqlColumnDeclaration declaration = alter.column();
        String name = declaration.name().getSimple();
        if (table.columnIndex(name) >= 0) {
          if (alter.ifFlag()) {
            return new Plan.AlterTable(tableName, null, "column " + name + " already exists in "
                + tableName + "; nothing was added");
          }
          throw SourceText.error(SqlState.DUPLICATE_COLUMN, "column " + name
              + " already exists in table " + tableName, declaration.name());
        }
        if (Boolean.FALSE.equals(declaration.nullable())) {
          throw SourceText.error(SqlState.INVALID_TABLE_DEFINITION, "an added column cannot be"
              + " NOT NULL: the rows already in " + tableName + " have no value for " + name
              + "; add it nullable", declaration);
        }
        if (alter.defaultValue() != null && !SqlUtil.isNullLiteral(alter.defaultValue(), false)) {
          throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED, "ADD COLUMN … DEFAULT is not"
              + " supported: the rows already there would read NULL; add the column without a"
              + " default, then UPDATE the rows", alter.defaultValue());
        }
        ColumnDef added = column(declaration, false);
        if (added.type().kind() == TypeKind.COUNTER
            && table.resolution() == ConflictResolution.ROW) {
          throw SourceText.error(SqlState.WRONG_OBJECT_TYPE, "COUNTER column " + name
              + " needs per-cell conflict resolution, and " + tableName + " resolves per row",
              declaration);
        }
        columns.add(added);
      }
      case DROP_COLUMN -> {
        SqlIdentifier target = alter.target();
        int id = table.columnIndex(target.getSimple());
        if (id < 0) {
          if (alter.ifFlag()) {
            return new Plan.AlterTable(tableName, null, "column " + target.getSimple()
                + " does not exist in " + tableName + "; nothing was dropped");
          }
          throw unknownColumn(table, target);
        }
        if (table.isKeyColumn(id)) {
          throw SourceText.error(SqlState.INVALID_TABLE_DEFINITION, "column "
              + target.getSimple() + " is part of the primary key of " + tableName
              + " and cannot be dropped", target);
        }
        if (table.ttlColumn() == id) {
          throw SourceText.error(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, "column "
              + target.getSimple() + " is the ttl_column of " + tableName + "; ALTER TABLE "
              + tableName + " RESET (ttl_column) first", target);
        }
        for (IndexDef index : catalog.indexes(tableName)) {
          for (IndexDef.Key key : index.keys()) {
            if (key.column() == id) {
              throw SourceText.error(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, "index "
                  + index.name() + " covers column " + target.getSimple() + "; DROP INDEX "
                  + index.name() + " first", target);
            }
          }
        }
        columns.set(id, columns.get(id).asDropped());
      }
      case RENAME_COLUMN -> {
        SqlIdentifier target = alter.target();
        int id = table.columnIndex(target.getSimple());
        if (id < 0) {
          throw unknownColumn(table, target);
        }
        String newName = alter.newName().getSimple();
        if (table.columnIndex(newName) >= 0) {
          throw SourceText.error(SqlState.DUPLICATE_COLUMN, "column " + newName
              + " already exists in table " + tableName, alter.newName());
        }
        columns.set(id, columns.get(id).renamed(newName));
      }
      case RENAME_TABLE -> {
        tableName = TableRef.tableName(alter.newName(), "ALTER TABLE");
        if (catalog.table(tableName) != null) {
          throw SourceText.error(SqlState.DUPLICATE_TABLE, "table " + tableName
              + " already exists", alter.newName());
        }
      }
      case ALTER_TYPE -> {
        SqlIdentifier target = alter.target();
        int id = table.columnIndex(target.getSimple());
        if (id < 0) {
          throw unknownColumn(table, target);
        }
        ColumnType from = table.column(id).type();
        ColumnType to = TypeMapping.columnType(alter.type(), text);
        if (!from.widensTo(to)) {
          throw SourceText.error(SqlState.DATATYPE_MISMATCH, "column " + target.getSimple()
              + " cannot change from " + from + " to " + to + ": only widening keeps every"
              + " value already stored (VARCHAR or VARBINARY to a greater length, DECIMAL to a"
              + " greater precision at the same scale); otherwise add a new column, copy the"
              + " values with UPDATE and drop this one", alter.type());
        }
        columns.set(id, columns.get(id).retyped(to));
      }
      case SET_OPTIONS, RESET_OPTIONS -> {
        boolean reset = alter.action() == SqlAlterTable.Action.RESET_OPTIONS;
        return new Plan.AlterTable(table.name(), table.withOptions(
            TableOptions.capacity(table.capacity(), alter.options(), reset, false),
            TableOptions.ttlColumn(table.ttlColumn(), table.columns(), table.keyColumns(),
                alter.options(), reset),
            TableOptions.conflictLog(table.conflictLog(), alter.options(), reset)), null);
      }
      default -> throw new IllegalStateException("unknown action " + alter.action());
    }
    return new Plan.AlterTable(table.name(), table.evolve(tableName, columns), null);
  }

  private static MeridianException unknownColumn(TableSchema table, SqlIdentifier column) {
    return SourceText.error(SqlState.UNDEFINED_COLUMN, "column " + column.getSimple()
        + " does not exist in table " + table.name(), column);
  }

  /** {@code CREATE INDEX}: the table must exist and each column once. */
  Plan.CreateIndex createIndex(SqlCreateIndex create, Catalog catalog) {
    TableSchema table = TableRef.existing(catalog, create.table(), "CREATE INDEX");
    TableRef ref = new TableRef(table, null);
    List<IndexDef.Key> keys = new ArrayList<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < create.columns().size(); i++) {
      SqlIdentifier id = (SqlIdentifier) create.columns().get(i);
      int column = ref.column(id);
      if (!seen.add(column)) {
        throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "column "
            + id.getSimple() + " is indexed twice", id);
      }
      keys.add(new IndexDef.Key(column, create.descending().get(i)));
    }
    String name = create.name().getSimple();
    if (IndexDef.isPrimaryKey(name)) {
      throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "index names"
          + " beginning with " + IndexDef.PRIMARY_KEY_PREFIX + " are the primary keys'; choose"
          + " another name", create.name());
    }
    return new Plan.CreateIndex(new IndexDef(name, table.name(), table.tableId(), keys, false),
        create.ifNotExists());
  }

  /** {@code DROP INDEX}: whether the index exists is for the serving region to say. */
  Plan.DropIndex dropIndex(SqlDropIndex drop) {
    return new Plan.DropIndex(drop.name().getSimple(), drop.ifExists());
  }

  private static boolean isInlineKey(SqlNode element) {
    return element instanceof SqlColumnDeclaration column && column.primaryKey();
  }

  private static List<SqlIdentifier> identifiers(SqlPrimaryKey key) {
    List<SqlIdentifier> ids = new ArrayList<>(key.columns().size());
    for (SqlNode node : key.columns()) {
      ids.add((SqlIdentifier) node);
    }
    return ids;
  }

  private static List<Integer> keyColumns(String table, List<SqlIdentifier> names,
      Map<String, Integer> columnIndex) {
    List<Integer> key = new ArrayList<>(names.size());
    for (SqlIdentifier id : names) {
      Integer index = columnIndex.get(id.getSimple());
      if (index == null) {
        throw SourceText.error(SqlState.UNDEFINED_COLUMN, "primary key column " + id.getSimple()
            + " is not a column of table " + table, id);
      }
      if (key.contains(index)) {
        throw SourceText.error(SqlState.DUPLICATE_COLUMN, "column " + id.getSimple()
            + " appears twice in the primary key", id);
      }
      key.add(index);
    }
    return key;
  }

  private ColumnDef column(SqlColumnDeclaration declaration, boolean isKey) {
    String name = declaration.name().getSimple();
    if (isKey && Boolean.TRUE.equals(declaration.nullable())) {
      throw SourceText.error(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "key column " + name
          + " cannot be declared NULL", declaration);
    }
    ColumnType type = TypeMapping.columnType(declaration.type(), text);
    if (type.kind() == TypeKind.COUNTER && (isKey || Boolean.FALSE.equals(declaration.nullable()))) {
      throw SourceText.error(SqlState.WRONG_OBJECT_TYPE, "COUNTER column " + name + " cannot be "
          + (isKey ? "part of the primary key" : "NOT NULL") + ": a counter holds a sum that only"
          + " increments write; it reads NULL until its first increment", declaration);
    }
    boolean nullable = !isKey && !Boolean.FALSE.equals(declaration.nullable());
    return new ColumnDef(name, type, nullable);
  }

}
