package dev.meridian.bench;

import dev.meridian.peer.testkit.EmbeddedCluster;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The general-query figure of the SQL breadth issue, in one run: loads the same rows into one
 * embedded region of 2 peers (real Hazelcast members and Netty servers in this JVM) and into H2
 * in memory, then runs a filtered aggregate through both and prints rows scanned per second.
 * The data comes from one printed seed; H2 is told not to reuse the result of an identical
 * earlier query.
 */
@Command(name = "query-bench", mixinStandardHelpOptions = true,
    description = "A filtered GROUP BY over N rows through Meridian (2 peers) and H2 in memory.")
public final class QueryBench implements Callable<Integer> {
  static final String QUERY = "SELECT category, COUNT(*), SUM(amount) FROM t WHERE amount > ?"
      + " GROUP BY category";

  @Option(names = "--rows", description = "rows to load (default ${DEFAULT-VALUE})")
  int rows = 1_000_000;

  @Option(names = "--peers", description = "peers in the region (default ${DEFAULT-VALUE})")
  int peers = 2;

  @Option(names = "--runs", description = "timed runs per engine (default ${DEFAULT-VALUE})")
  int runs = 3;

  @Option(names = "--threshold", description = "the ? of amount > ? (default ${DEFAULT-VALUE})")
  int threshold = 500;

  @Option(names = "--seed", description = "data seed (default: random)")
  Long seed;

  @Override
  public Integer call() throws Exception {
    long s = seed != null ? seed : System.nanoTime();
    System.out.printf("seed %d, %,d rows, query: %s (? = %d)%n", s, rows, QUERY, threshold);
    try (EmbeddedCluster cluster = EmbeddedCluster.start("querybench" + System.nanoTime(),
        List.of("us-east-1"), EmbeddedCluster.Options.defaults().peersPerRegion(peers));
        Connection meridian = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"));
        Connection h2 = DriverManager.getConnection(
            "jdbc:h2:mem:querybench;OPTIMIZE_REUSE_RESULTS=FALSE")) {
      for (Connection c : List.of(meridian, h2)) {
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, category VARCHAR(20),"
              + " amount DECIMAL(10,2), note VARCHAR(40))");
        }
      }
      long t0 = System.nanoTime();
      load(meridian, s);
      System.out.printf("loaded Meridian in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      load(h2, s);
      System.out.printf("loaded H2 in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      String expected = null;
      for (int run = 0; run <= runs; run++) {
        for (Connection c : List.of(meridian, h2)) {
          String engine = c == meridian ? "Meridian" : "H2";
          long start = System.nanoTime();
          String answer = run(c);
          double secs = (System.nanoTime() - start) / 1e9;
          if (expected == null) {
            expected = answer;
          } else if (!expected.equals(answer)) {
            System.out.printf("%s answered differently:%n%s%nvs%n%s%n", engine, answer, expected);
            return 1;
          }
          System.out.printf("%s %-8s %8.3f s  %,12.0f rows/s%n", run == 0 ? "warm-up" : "run " + run,
              engine, secs, rows / secs);
        }
      }
      System.out.println("both engines returned the same groups");
    }
    return 0;
  }

  private String run(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(QUERY)) {
      ps.setInt(1, threshold);
      java.util.TreeMap<String, String> groups = new java.util.TreeMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          groups.put(rs.getString(1), rs.getLong(2) + "/"
              + rs.getBigDecimal(3).stripTrailingZeros().toPlainString());
        }
      }
      return groups.toString();
    }
  }

  private void load(Connection c, long seed) throws SQLException {
    Random random = new Random(seed);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?)")) {
      for (int i = 0; i < rows; i++) {
        ps.setLong(1, i);
        ps.setString(2, "cat" + random.nextInt(20));
        ps.setBigDecimal(3, BigDecimal.valueOf(random.nextInt(100_000), 2));
        ps.setString(4, "row " + i);
        ps.addBatch();
        if ((i + 1) % 1000 == 0 || i == rows - 1) {
          ps.executeBatch();
        }
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new QueryBench()).execute(args));
  }
}
