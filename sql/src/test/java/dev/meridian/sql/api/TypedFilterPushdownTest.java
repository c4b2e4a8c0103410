package dev.meridian.sql.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.ScanFilter;
import dev.meridian.protocol.wire.ScanFilters;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Filters on CHAR, REAL and VARBINARY columns go to the peers and select exactly the rows
 * Calcite selects when it evaluates them itself: random rows (NULLs included) and random
 * predicates (literals and parameters, every comparison, AND/OR/NOT, IS NULL), each run as is
 * and again over a subquery with a FETCH, which Calcite does not push filters through. The
 * scan source applies a pushed filter with {@link ScanFilters}, as the peers do.
 */
class TypedFilterPushdownTest {
  private static final long SEED = Long.getLong("meridian.seed", System.nanoTime());
  private static final String[] CHARS = {"", " ", "a", "a ", "ab", "ab ", "abc", "abcd", "b",
      "A"};
  private static final String[] REALS = {"0.1", "1.5", "-0.0", "0", "2", "1e10",
      "CAST(0.1 AS REAL)", "CAST(1.5 AS REAL)", "0.1E0"};
  private static final String[] BINARIES = {"X''", "X'00'", "X'7f'", "X'80'", "X'ff00'",
      "X'0102'", "X'010203'"};
  private static final String[] OPS = {"=", "<>", "<", "<=", ">", ">="};

  private final TableSchema table = new TableSchema(9, "T", List.of(
      new ColumnDef("ID", TestCatalog.BIGINT, false),
      new ColumnDef("C", ColumnType.of(TypeKind.CHAR, 3), true),
      new ColumnDef("R", ColumnType.of(TypeKind.REAL), true),
      new ColumnDef("B", ColumnType.of(TypeKind.VARBINARY, 3), true)),
      List.of(0), ConflictResolution.CELL);
  private final Catalog catalog = new Catalog() {
    @Override
    public TableSchema table(String name) {
      return name.equals("T") ? table : null;
    }

    @Override
    public long version() {
      return 1;
    }

    @Override
    public java.util.Set<String> tableNames() {
      return java.util.Set.of("T");
    }
  };
  private final List<Object[]> rows = new ArrayList<>();
  private final AtomicInteger pushed = new AtomicInteger();

  /** Rows in memory; a pushed filter is applied the way the peers apply it. */
  private final ScanSource source = (t, columns, filter) -> {
    if (filter != null) {
      pushed.incrementAndGet();
    }
    ScanFilters.Condition condition = ScanFilters.compile(filter);
    java.util.Iterator<Object[]> it = rows.stream().filter(condition::passes).iterator();
    return new ScanSource.Cursor() {
      @Override
      public Object[] next() {
        if (!it.hasNext()) {
          return null;
        }
        Object[] row = it.next();
        Object[] out = new Object[columns.length];
        for (int i = 0; i < out.length; i++) {
          out[i] = row[columns[i]];
        }
        return out;
      }

      @Override
      public void close() {}
    };
  };

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static String charLiteral(String s) {
    return "'" + s + "'";
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder("X'");
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.append("'").toString();
  }

  /** A random predicate; parameters it uses are appended to {@code params}. */
  private String predicate(Random r, List<Object> params, int depth) {
    int dice = r.nextInt(depth > 1 ? 8 : 11);
    String op = pick(r, OPS);
    switch (dice) {
      case 0, 1 -> {
        if (r.nextBoolean()) {
          params.add(pick(r, CHARS));
          return "c " + op + " ?";
        }
        return "c " + op + " " + charLiteral(pick(r, CHARS));
      }
      case 2, 3 -> {
        if (r.nextBoolean()) {
          params.add(r.nextBoolean() ? (Object) Float.valueOf(pick(r, new String[] {"0.1", "1.5",
              "-0.0", "2"})) : (Object) Double.valueOf(pick(r, new String[] {"0.1", "1.5", "2"})));
          return "r " + op + " ?";
        }
        return "r " + op + " " + pick(r, REALS);
      }
      case 4, 5 -> {
        if (r.nextBoolean()) {
          params.add(binary(r));
          return "b " + op + " ?";
        }
        return "b " + op + " " + pick(r, BINARIES);
      }
      case 6 -> {
        return pick(r, new String[] {"c", "r", "b"}) + (r.nextBoolean() ? " IS NULL"
            : " IS NOT NULL");
      }
      case 7 -> {
        return "NOT (" + predicate(r, params, depth + 1) + ")";
      }
      default -> {
        return "(" + predicate(r, params, depth + 1) + (r.nextBoolean() ? " AND " : " OR ")
            + predicate(r, params, depth + 1) + ")";
      }
    }
  }

  private static byte[] binary(Random r) {
    byte[][] values = {{}, {0}, {0x7f}, {(byte) 0x80}, {(byte) 0xff, 0}, {1, 2}, {1, 2, 3}};
    return values[r.nextInt(values.length)];
  }

  private static List<Long> ids(Connection c, String sql, List<Object> params)
      throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Float f) {
          ps.setFloat(i + 1, f);
        } else {
          ps.setObject(i + 1, p);
        }
      }
      List<Long> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
      out.sort(null);
      return out;
    }
  }

  @Test
  void pushedFiltersOnCharRealAndVarbinarySelectWhatCalciteSelects() throws Exception {
    System.out.println("TypedFilterPushdownTest seed " + SEED + " (rerun with -Dmeridian.seed="
        + SEED + ")");
    Random r = new Random(SEED);
    ColumnType charType = ColumnType.of(TypeKind.CHAR, 3);
    for (long id = 0; id < 60; id++) {
      String c = r.nextInt(6) == 0 ? null
          : (String) charType.coerce(pick(r, new String[] {"", "a", "ab", "abc", "b", "A",
              " "}));
      Float f = r.nextInt(6) == 0 ? null
          : Float.valueOf(pick(r, new String[] {"0.1", "1.5", "-0.0", "0", "2", "1e10"}));
      byte[] b = r.nextInt(6) == 0 ? null : binary(r);
      rows.add(new Object[] {id, c, f, b});
    }
    int cases = 1_500;
    int pushedCases = 0;
    try (Connection c = QueryConnections.open(catalog, source)) {
      for (int i = 0; i < cases; i++) {
        List<Object> params = new ArrayList<>();
        String p = predicate(r, params, 0);
        pushed.set(0);
        List<Long> got = ids(c, "SELECT id FROM t WHERE " + p, params);
        boolean wasPushed = pushed.get() > 0;
        pushed.set(0);
        List<Long> want = ids(c, "SELECT id FROM (SELECT * FROM t FETCH FIRST 1000 ROWS ONLY) x"
            + " WHERE " + p, params);
        assertEquals(0, pushed.get(), "the reference query pushed a filter: " + p);
        assertEquals(want, got, "seed " + SEED + " case " + i + ": " + p + " with " + params);
        if (wasPushed) {
          pushedCases++;
        }
      }
    }
    System.out.println(cases + " predicates agree, " + pushedCases + " of them pushed");
    assertTrue(pushedCases > cases / 3, "only " + pushedCases + " of " + cases
        + " predicates were pushed");
  }
}
