package dev.meridian.sql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.sql.internal.parser.SqlColumnDeclaration;
import dev.meridian.sql.internal.parser.SqlCreateTable;
import dev.meridian.sql.internal.parser.SqlDropTable;
import dev.meridian.sql.internal.parser.SqlPrimaryKey;
import dev.meridian.sql.internal.parser.SqlTableOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/** The generated parser: Meridian's grammar additions and the parser configuration. */
class StatementParserTest {
  /** Every type spelling the planner supports, with the SqlTypeName Calcite parses it to. */
  private static final Map<String, SqlTypeName> SUPPORTED_TYPES = Map.ofEntries(
      Map.entry("BIGINT", SqlTypeName.BIGINT),
      Map.entry("INT", SqlTypeName.INTEGER),
      Map.entry("INTEGER", SqlTypeName.INTEGER),
      Map.entry("SMALLINT", SqlTypeName.SMALLINT),
      Map.entry("TINYINT", SqlTypeName.TINYINT),
      Map.entry("VARCHAR(10)", SqlTypeName.VARCHAR),
      Map.entry("VARCHAR", SqlTypeName.VARCHAR),
      Map.entry("CHARACTER VARYING(10)", SqlTypeName.VARCHAR),
      Map.entry("CHAR VARYING(10)", SqlTypeName.VARCHAR),
      Map.entry("CHAR(3)", SqlTypeName.CHAR),
      Map.entry("CHARACTER(3)", SqlTypeName.CHAR),
      Map.entry("CHAR", SqlTypeName.CHAR),
      Map.entry("BOOLEAN", SqlTypeName.BOOLEAN),
      Map.entry("DOUBLE", SqlTypeName.DOUBLE),
      Map.entry("DOUBLE PRECISION", SqlTypeName.DOUBLE),
      Map.entry("FLOAT", SqlTypeName.FLOAT),
      Map.entry("REAL", SqlTypeName.REAL),
      Map.entry("DECIMAL(10, 2)", SqlTypeName.DECIMAL),
      Map.entry("DECIMAL", SqlTypeName.DECIMAL),
      Map.entry("NUMERIC(5)", SqlTypeName.DECIMAL),
      Map.entry("DEC(4,1)", SqlTypeName.DECIMAL),
      Map.entry("DATE", SqlTypeName.DATE),
      Map.entry("TIME", SqlTypeName.TIME),
      Map.entry("TIME(3)", SqlTypeName.TIME),
      Map.entry("TIMESTAMP", SqlTypeName.TIMESTAMP),
      Map.entry("TIMESTAMP(6)", SqlTypeName.TIMESTAMP),
      Map.entry("VARBINARY(16)", SqlTypeName.VARBINARY),
      Map.entry("VARBINARY", SqlTypeName.VARBINARY),
      Map.entry("BINARY VARYING(16)", SqlTypeName.VARBINARY));

  @Test
  void parsesEverySupportedTypeInCreateTable() {
    List<String> types = new ArrayList<>(SUPPORTED_TYPES.keySet());
    StringBuilder sql = new StringBuilder("CREATE TABLE t (k BIGINT PRIMARY KEY");
    for (int i = 0; i < types.size(); i++) {
      sql.append(",\n  c").append(i).append(' ').append(types.get(i));
      sql.append(i % 3 == 0 ? " NOT NULL" : i % 3 == 1 ? " NULL" : "");
    }
    sql.append(')');
    SqlCreateTable create = assertInstanceOf(SqlCreateTable.class,
        StatementParser.parse(sql.toString()));
    assertEquals(types.size() + 1, create.elements().size());
    for (int i = 0; i < types.size(); i++) {
      SqlColumnDeclaration column = (SqlColumnDeclaration) create.elements().get(i + 1);
      assertEquals("C" + i, column.name().getSimple());
      SqlBasicTypeNameSpec spec = assertInstanceOf(SqlBasicTypeNameSpec.class,
          column.type().getTypeNameSpec());
      assertEquals(SUPPORTED_TYPES.get(types.get(i)),
          SqlTypeName.get(spec.getTypeName().getSimple()), types.get(i));
      assertEquals(i % 3 == 0 ? Boolean.FALSE : i % 3 == 1 ? Boolean.TRUE : null,
          column.nullable());
      assertFalse(column.primaryKey());
      assertEquals(i + 2, column.getParserPosition().getLineNum(), "one column per line");
    }
    assertTrue(((SqlColumnDeclaration) create.elements().get(0)).primaryKey());
  }

  @Test
  void parsesTableConstraintOptionsAndIfNotExists() {
    SqlCreateTable create = assertInstanceOf(SqlCreateTable.class, StatementParser.parse(
        "create table if not exists public.\"Orders\" (region varchar(5), id bigint,"
            + " constraint pk primary key (region, id))"
            + " with (conflict_resolution = 'row', \"other\" = 'x')"));
    assertTrue(create.ifNotExists);
    assertFalse(create.getReplace());
    assertEquals(List.of("PUBLIC", "Orders"), create.name().names);
    SqlPrimaryKey key = assertInstanceOf(SqlPrimaryKey.class, create.elements().get(2));
    assertEquals("PK", key.constraintName().getSimple());
    assertEquals("[REGION, ID]", key.columns().getList().stream()
        .map(n -> ((SqlIdentifier) n).getSimple()).toList().toString());
    SqlTableOption first = (SqlTableOption) create.options().get(0);
    assertEquals("CONFLICT_RESOLUTION", first.key().getSimple());
    assertEquals("row", ((SqlLiteral) first.value()).getValueAs(String.class));
    assertEquals("other", ((SqlTableOption) create.options().get(1)).key().getSimple());
    String unparsed = create.toString();
    assertTrue(unparsed.contains("CREATE TABLE IF NOT EXISTS"), unparsed);
    assertTrue(unparsed.contains("PRIMARY KEY"), unparsed);
  }

  @Test
  void unnamedConstraintAndCreateOrReplace() {
    SqlCreateTable create = assertInstanceOf(SqlCreateTable.class, StatementParser.parse(
        "CREATE OR REPLACE TABLE t (a INT, PRIMARY KEY (a))"));
    assertTrue(create.getReplace());
    assertFalse(create.ifNotExists);
    assertNull(((SqlPrimaryKey) create.elements().get(1)).constraintName());
    assertTrue(create.options().isEmpty());
  }

  @Test
  void ifAndKeyRemainUsableAsNames() {
    SqlCreateTable create = assertInstanceOf(SqlCreateTable.class,
        StatementParser.parse("CREATE TABLE if (key INT PRIMARY KEY)"));
    assertFalse(create.ifNotExists);
    assertEquals("IF", create.name().getSimple());
    SqlDropTable drop = assertInstanceOf(SqlDropTable.class,
        StatementParser.parse("DROP TABLE if"));
    assertFalse(drop.ifExists);
    assertEquals("IF", drop.name().getSimple());
  }

  @Test
  void parsesDropTableIfExists() {
    SqlDropTable drop = assertInstanceOf(SqlDropTable.class,
        StatementParser.parse("DROP TABLE IF EXISTS \"mixed\""));
    assertTrue(drop.ifExists);
    assertEquals("mixed", drop.name().getSimple());
    assertEquals(SqlKind.DROP_TABLE, drop.getKind());
  }

  @Test
  void upsertIsCalcitesInsertWithTheUpsertKeyword() {
    SqlNode node = StatementParser.parse("UPSERT INTO t (a) VALUES (1)");
    assertTrue(assertInstanceOf(SqlInsert.class, node).isUpsert());
    assertFalse(((SqlInsert) StatementParser.parse("INSERT INTO t VALUES (1)")).isUpsert());
  }

  @Test
  void identifierCasingAndQuoting() {
    SqlDropTable drop = (SqlDropTable) StatementParser.parse("DROP TABLE s.\"MiXed\"");
    assertEquals(List.of("S", "MiXed"), drop.name().names);
    String name = "x".repeat(128);
    assertEquals(name.toUpperCase(),
        ((SqlDropTable) StatementParser.parse("DROP TABLE " + name)).name().getSimple());
  }
}
