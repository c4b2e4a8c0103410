package dev.meridian.sql.api;

import static dev.meridian.sql.api.PlanAssertions.assertOperands;
import static dev.meridian.sql.api.PlanAssertions.lit;
import static dev.meridian.sql.api.PlanAssertions.param;
import static dev.meridian.sql.api.TestCatalog.BIGINT;
import static dev.meridian.sql.api.TestCatalog.INTEGER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.WriteKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WritePlanTest {
  private static final ColumnType NAME = ColumnType.of(TypeKind.VARCHAR, 20);
  private static final ColumnType EMAIL = ColumnType.of(TypeKind.VARCHAR, 100);
  private static final ColumnType REGION = ColumnType.of(TypeKind.VARCHAR, 10);

  private final TestCatalog catalog = TestCatalog.standard();
  private final SqlPlanner planner = new SqlPlanner(100);

  private Plan.Write write(String sql) {
    return assertInstanceOf(Plan.Write.class, planner.plan(sql, catalog));
  }

  private static void assertRow(Plan.RowTemplate row, List<Operand> key, int[] columns,
      List<Operand> values) {
    assertOperands(key, row.key());
    assertArrayEquals(columns, row.columns(), () -> Arrays.toString(row.columns()));
    assertOperands(values, row.values());
  }

  @Test
  void insertWithoutColumnListWritesEveryColumn() {
    Plan.Write plan = write("INSERT INTO users VALUES (1, 'ann', 'ann@example.com', 30)");
    assertSame(catalog.table("USERS"), plan.table());
    assertEquals(WriteKind.INSERT, plan.kind());
    assertEquals(List.of(), plan.parameterTypes());
    assertEquals(1, plan.rows().size());
    assertRow(plan.rows().get(0), List.of(lit(1L)), new int[] {0, 1, 2, 3},
        List.of(lit(1L), lit("ann"), lit("ann@example.com"), lit(30)));
  }

  @Test
  void insertFillsUnlistedColumnsWithNull() {
    Plan.Write plan = write("INSERT INTO users (name, id) VALUES ('bob', 2)");
    assertRow(plan.rows().get(0), List.of(lit(2L)), new int[] {0, 1, 2, 3},
        List.of(lit(2L), lit("bob"), lit(null), lit(null)));
  }

  @Test
  void multiRowInsertWithParametersInTextOrder() {
    Plan.Write plan = write("INSERT INTO users (id, name, age) VALUES (?, ?, 40), (?, 'cy', ?)");
    assertEquals(List.of(BIGINT, NAME, BIGINT, INTEGER), plan.parameterTypes());
    assertEquals(2, plan.rows().size());
    assertRow(plan.rows().get(0), List.of(param(0, BIGINT)), new int[] {0, 1, 2, 3},
        List.of(param(0, BIGINT), param(1, NAME), lit(null), lit(40)));
    assertRow(plan.rows().get(1), List.of(param(2, BIGINT)), new int[] {0, 1, 2, 3},
        List.of(param(2, BIGINT), lit("cy"), lit(null), param(3, INTEGER)));
  }

  @Test
  void compositeKeyIsInKeyOrderAndLiteralsAreCoerced() {
    Plan.Write plan = write("INSERT INTO orders (order_id, region, amount, placed)"
        + " VALUES (7, 'eu', 12.5, TIMESTAMP '2024-05-06 07:08:09.5')");
    assertRow(plan.rows().get(0), List.of(lit("eu"), lit(7L)), new int[] {0, 1, 2, 3, 4},
        List.of(lit("eu"), lit(7L), lit(new BigDecimal("12.50")),
            lit(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 500_000_000)), lit(null)));
  }

  @Test
  void everyLiteralForm() {
    Plan.Write plan = write("INSERT INTO all_types VALUES (-1, -9000000000, +42, CAST('7' AS"
        + " SMALLINT), 'abc', 'x', TRUE, 1.5e3, -2.25, 1234.567, DATE '2024-02-29',"
        + " TIME '23:59:58', TIMESTAMP '2024-01-02 03:04:05', X'CAFE')");
    assertOperands(List.of(lit(-1), lit(-9_000_000_000L), lit(42), lit((short) 7), lit("abc"),
        lit("x  "), lit(true), lit(1500.0), lit(-2.25f), lit(new BigDecimal("1234.57")),
        lit(LocalDate.of(2024, 2, 29)), lit(LocalTime.of(23, 59, 58)),
        lit(LocalDateTime.of(2024, 1, 2, 3, 4, 5)), lit(new byte[] {(byte) 0xCA, (byte) 0xFE})),
        plan.rows().get(0).values());
  }

  @Test
  void falseNullAndCastsOfStringsAndParameters() {
    Plan.Write plan = write("INSERT INTO all_types (k, c_boolean, c_varchar, c_date, c_bigint)"
        + " VALUES (1, FALSE, NULL, CAST('2024-03-01' AS DATE), CAST(? AS VARCHAR(3)))");
    assertOperands(List.of(lit(1), param(0, BIGINT), lit(null), lit(null), lit(null), lit(null),
        lit(false), lit(null), lit(null), lit(null), lit(LocalDate.of(2024, 3, 1)), lit(null),
        lit(null), lit(null)), plan.rows().get(0).values());
    assertEquals(List.of(BIGINT), plan.parameterTypes(), "a cast ? takes its column's type");
  }

  @Test
  void upsertWritesOnlyListedColumnsInColumnOrder() {
    Plan.Write plan = write("UPSERT INTO users (email, id) VALUES (?, 5)");
    assertEquals(WriteKind.UPSERT, plan.kind());
    assertEquals(List.of(EMAIL), plan.parameterTypes());
    assertRow(plan.rows().get(0), List.of(lit(5L)), new int[] {0, 2},
        List.of(lit(5L), param(0, EMAIL)));
  }

  @Test
  void upsertWithoutColumnListWritesEveryColumn() {
    Plan.Write plan = write("UPSERT INTO \"events\" VALUES (1, X'00FF')");
    assertRow(plan.rows().get(0), List.of(lit(1L)), new int[] {0, 1},
        List.of(lit(1L), lit(new byte[] {0, (byte) 0xFF})));
  }

  @Test
  void updateByFullKey() {
    Plan.Write plan = write("UPDATE users SET age = 31, email = ? WHERE id = ?");
    assertEquals(WriteKind.UPDATE, plan.kind());
    assertEquals(List.of(EMAIL, BIGINT), plan.parameterTypes());
    assertEquals(1, plan.rows().size());
    assertRow(plan.rows().get(0), List.of(param(1, BIGINT)), new int[] {2, 3},
        List.of(param(0, EMAIL), lit(31)));
  }

  @Test
  void updateCompositeKeyWithValueOnEitherSideAndAlias() {
    Plan.Write plan = write("UPDATE orders AS o SET note = NULL"
        + " WHERE 'eu' = o.region AND order_id = 9");
    assertRow(plan.rows().get(0), List.of(lit("eu"), lit(9L)), new int[] {4},
        List.of(lit(null)));
  }

  @Test
  void deleteByFullKey() {
    Plan.Write plan = write("DELETE FROM orders WHERE order_id = ? AND region = ?");
    assertEquals(WriteKind.DELETE, plan.kind());
    assertEquals(List.of(BIGINT, REGION), plan.parameterTypes());
    assertRow(plan.rows().get(0), List.of(param(1, REGION), param(0, BIGINT)), new int[0],
        List.of());
  }

  @Test
  void qualifiedTableNames() {
    assertEquals("USERS", write("DELETE FROM public.users WHERE users.id = 1").table().name());
    assertEquals("events",
        write("DELETE FROM \"events\" WHERE PUBLIC.\"events\".\"id\" = 1").table().name());
  }
}
