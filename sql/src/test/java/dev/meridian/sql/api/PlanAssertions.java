package dev.meridian.sql.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlPosition;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import java.util.Arrays;
import java.util.List;

/** Shared assertions for planner tests. */
final class PlanAssertions {
  private PlanAssertions() {}

  /**
   * Asserts that planning fails with {@code state}, at {@code line}/{@code column}, with a
   * message containing every one of {@code mentions}.
   */
  static MeridianException assertFails(Catalog catalog, String sql, SqlState state, int line,
      int column, String... mentions) {
    MeridianException e = assertThrows(MeridianException.class,
        () -> new SqlPlanner(10).plan(sql, catalog), sql);
    assertEquals(state, e.state(), () -> sql + " -> " + e.getMessage());
    assertEquals(new SqlPosition(line, column), e.position(), () -> sql + " -> " + e.getMessage());
    for (String mention : mentions) {
      assertTrue(e.getMessage().contains(mention),
          () -> "message of " + sql + " should mention <" + mention + ">: " + e.getMessage());
    }
    return e;
  }

  /** The 1-based column of the first occurrence of {@code token} in one-line {@code sql}. */
  static int col(String sql, String token) {
    int i = sql.indexOf(token);
    if (i < 0) {
      throw new IllegalArgumentException(token + " is not in " + sql);
    }
    return i + 1;
  }

  static Operand lit(Object value) {
    return new Operand.Literal(value);
  }

  static Operand param(int index, ColumnType type) {
    return new Operand.Parameter(index, type);
  }

  /** Compares operand lists, looking into byte arrays. */
  static void assertOperands(List<Operand> expected, List<Operand> actual) {
    assertEquals(expected.size(), actual.size(), () -> expected + " vs " + actual);
    for (int i = 0; i < expected.size(); i++) {
      Operand e = expected.get(i);
      Operand a = actual.get(i);
      if (e instanceof Operand.Literal el && el.value() instanceof byte[] eb) {
        assertTrue(a instanceof Operand.Literal al && al.value() instanceof byte[] ab
            && Arrays.equals(eb, ab), () -> "operand " + a);
      } else {
        assertEquals(e, a);
      }
    }
  }
}
