package dev.meridian.sql.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.TableSchema;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever text arrives, planning ends in a plan or a {@link MeridianException} with a
 * five-character SQLState: never another exception (a parser bug would otherwise surface as
 * XX000 or worse). Jazzer drives it with arbitrary strings; the seeded test mutates valid
 * statements so the normal suite reaches deep into the grammar too.
 */
class SqlPlannerFuzzTest {
  private static final TestCatalog CATALOG = TestCatalog.standard();
  private static final String[] VALID = {
      "SELECT * FROM users WHERE id = 1",
      "SELECT name, email AS e FROM users WHERE id IN (1, 2, ?)",
      "INSERT INTO orders VALUES ('eu', 1, 12.50, TIMESTAMP '2026-01-02 03:04:05', 'x'), ('us', 2, NULL, NULL, NULL)",
      "UPSERT INTO users (id, name) VALUES (?, ?)",
      "UPDATE users SET age = 3, email = 'a@b' WHERE id = 7",
      "DELETE FROM orders WHERE region = 'eu' AND order_id = 9",
      "CREATE TABLE IF NOT EXISTS t (a BIGINT, b VARCHAR(10) NOT NULL, c DECIMAL(5,2), PRIMARY KEY (a, b)) WITH (conflict_resolution = 'row')",
      "DROP TABLE IF EXISTS users",
      "SELECT 1, 'x', -2.5",
  };

  static void planExpectingOnlySqlErrors(String sql) {
    planExpectingOnlySqlErrors(sql, CATALOG);
  }

  static void planExpectingOnlySqlErrors(String sql, Catalog catalog) {
    try {
      assertNotNull(new SqlPlanner(0).plan(sql, catalog));
    } catch (MeridianException e) {
      assertEquals(5, e.state().code().length(), e.getMessage());
      assertTrue(!e.state().code().equals("XX000"), () -> "internal error for: " + sql + " -> " + e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void arbitraryTextPlansOrFailsWithAnSqlState(String sql) {
    if (sql != null) { // null is a caller's bug (NullPointerException), not SQL
      planExpectingOnlySqlErrors(sql);
    }
  }

  /** The oracle can fail: a crash inside validation is reported, not taken for a user error. */
  @Test
  void theOracleSeesAValidatorCrash() {
    Catalog crashing = new Catalog() {
      @Override
      public TableSchema table(String name) {
        if (name.equals("CRASH")) {
          if (StackWalker.getInstance().walk(frames -> frames.anyMatch(
              f -> f.getClassName().startsWith("org.apache.calcite.sql.validate")))) {
            throw new IllegalStateException("catalog crashed under the validator");
          }
          return CATALOG.table("USERS");
        }
        return CATALOG.table(name);
      }

      @Override
      public long version() {
        return CATALOG.version();
      }
    };
    AssertionError seen = assertThrows(AssertionError.class,
        () -> planExpectingOnlySqlErrors("SELECT COUNT(*) FROM crash WHERE age > 1", crashing));
    assertTrue(seen.getMessage().contains("internal error"), seen.getMessage());
  }

  @Test
  void mutatedStatementsPlanOrFailWithAnSqlState() {
    long seed = Long.getLong("meridian.seed", System.nanoTime());
    Random random = new Random(seed);
    String alphabet = "(),'\"?*=.;-+ 0123456789abcdeXYZ_\n\t\\";
    for (int i = 0; i < 3000; i++) {
      StringBuilder sql = new StringBuilder(VALID[random.nextInt(VALID.length)]);
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && sql.length() > 0; e++) {
        int at = random.nextInt(sql.length());
        switch (random.nextInt(3)) {
          case 0 -> sql.deleteCharAt(at);
          case 1 -> sql.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> sql.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      try {
        planExpectingOnlySqlErrors(sql.toString());
      } catch (AssertionError | RuntimeException failure) {
        throw new AssertionError("seed " + seed + " (-Dmeridian.seed=" + seed + "), case " + i
            + ": " + sql, failure);
      }
    }
  }
}
