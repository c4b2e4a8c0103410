package dev.meridian.bench;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.testkit.EmbeddedCluster;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The secondary-index figures, in one run over one embedded region of 2 peers (real Hazelcast
 * members and Netty servers in this JVM): the leaderboard top-10 through an index against a
 * point read, the same top-10 through Hazelcast's own PagingPredicate on the table map (the
 * alternative to our index), the online build rate, the cost of one index on an upsert's
 * latency, and a YCSB-E-like short scan workload against H2 in memory. Data from one printed
 * seed. Figures are printed, never asserted.
 */
@Command(name = "index-bench", mixinStandardHelpOptions = true,
    description = "Secondary index figures: top-10 vs point read, build rate, upsert cost,"
        + " YCSB-E-like short scans vs H2.")
public final class IndexBench implements Callable<Integer> {
  static final String TOP = "SELECT player, score FROM leaderboard ORDER BY score DESC LIMIT 10";
  static final String POINT = "SELECT player, score FROM leaderboard WHERE player = ?";
  static final String SCAN = "SELECT * FROM usertable WHERE ycsb_key >= ? ORDER BY ycsb_key"
      + " LIMIT ?";

  @Option(names = "--rows", description = "leaderboard rows, 0 to skip the leaderboard and"
      + " upsert figures (default ${DEFAULT-VALUE})")
  int rows = 1_000_000;

  @Option(names = "--upserts", description = "upserts timed per phase (default ${DEFAULT-VALUE})")
  int upserts = 20_000;

  @Option(names = "--ycsb-records", description = "YCSB records, 0 to skip (default ${DEFAULT-VALUE})")
  int ycsbRecords = 100_000;

  @Option(names = "--ycsb-seconds", description = "YCSB seconds per engine (default ${DEFAULT-VALUE})")
  int ycsbSeconds = 20;

  @Option(names = "--ycsb-key-index", description = "declare an index on ycsb_key (without"
      + " one, the key's implicit order serves the scans)")
  boolean ycsbKeyIndex;

  @Option(names = "--threads", description = "YCSB client threads (default ${DEFAULT-VALUE})")
  int threads = 8;

  @Option(names = "--paging-runs", description = "timed Hazelcast PagingPredicate top-10 runs,"
      + " 0 to skip (default ${DEFAULT-VALUE})")
  int pagingRuns = 1;

  @Option(names = "--seed", description = "data seed (default: random)")
  Long seed;

  @Override
  public Integer call() throws Exception {
    long s = seed != null ? seed : System.nanoTime();
    System.out.printf("seed %d, %,d leaderboard rows, one region of 2 peers%n", s, rows);
    try (EmbeddedCluster cluster = EmbeddedCluster.start("indexbench" + System.nanoTime(),
        List.of("us-east-1"), EmbeddedCluster.Options.defaults().peersPerRegion(2));
        Connection c = DriverManager.getConnection(cluster.jdbcUrl("us-east-1"))) {
      if (rows > 0) {
        upsertCost(c, new Random(s));
        leaderboard(c, new Random(s + 1));
      }
      if (ycsbRecords > 0) {
        ycsb(cluster, new Random(s + 2));
      }
    }
    return 0;
  }

  /** Upsert p50 without an index, with one, and without again. */
  private void upsertCost(Connection c, Random random) throws SQLException {
    int keys = 100_000;
    execute(c, "CREATE TABLE scores (id BIGINT PRIMARY KEY, score INTEGER, name VARCHAR(20))");
    try (PreparedStatement ps = c.prepareStatement("UPSERT INTO scores VALUES (?, ?, ?)")) {
      for (int i = 0; i < keys; i++) {
        ps.setLong(1, i);
        ps.setInt(2, random.nextInt(1_000_000));
        ps.setString(3, "player " + i);
        ps.addBatch();
        if ((i + 1) % 1000 == 0) {
          ps.executeBatch();
        }
      }
    }
    // Alternating phases, so that warm-up and background work weigh on both conditions alike.
    int phases = 6;
    List<Long> without = new ArrayList<>();
    List<Long> with = new ArrayList<>();
    for (int phase = 0; phase < phases; phase++) {
      boolean indexed = phase % 2 == 1;
      if (indexed) {
        execute(c, "CREATE INDEX scores_score ON scores (score DESC)");
      } else if (phase > 0) {
        execute(c, "DROP INDEX scores_score");
      }
      try (PreparedStatement ps = c.prepareStatement("UPSERT INTO scores VALUES (?, ?, ?)")) {
        long[] micros = new long[upserts];
        for (int i = -upserts / 4; i < upserts; i++) {
          ps.setLong(1, random.nextInt(keys));
          ps.setInt(2, random.nextInt(1_000_000));
          ps.setString(3, "player x");
          long t0 = System.nanoTime();
          ps.executeUpdate();
          if (i >= 0) {
            micros[i] = (System.nanoTime() - t0) / 1_000;
          }
        }
        Arrays.sort(micros);
        (indexed ? with : without).add(micros[upserts / 2]);
        System.out.printf("upsert phase %d %-14s p50 %5d us  p90 %5d us  p99 %5d us"
            + "  (%,d upserts)%n", phase + 1, indexed ? "with one index" : "without index",
            micros[upserts / 2], micros[upserts * 9 / 10], micros[upserts * 99 / 100], upserts);
      }
    }
    double base = without.stream().mapToLong(Long::longValue).average().orElse(0);
    double indexedP50 = with.stream().mapToLong(Long::longValue).average().orElse(0);
    System.out.printf("upsert p50 without index %.0f us, with one index %.0f us (means of %d"
        + " phases each): one index costs %+.1f %%%n", base, indexedP50, phases / 2,
        100 * (indexedP50 - base) / base);
  }

  /** Loads the leaderboard, builds its index, times top-10 against point reads. */
  private void leaderboard(Connection c, Random random) throws Exception {
    execute(c, "CREATE TABLE leaderboard (player BIGINT PRIMARY KEY, score INTEGER,"
        + " name VARCHAR(20))");
    long t0 = System.nanoTime();
    int[] scores = new int[rows];
    for (int i = 0; i < rows; i++) {
      scores[i] = random.nextInt(10_000_000);
    }
    try (PreparedStatement ps = c.prepareStatement("UPSERT INTO leaderboard VALUES (?, ?, ?)")) {
      for (int from = 0; from < rows; from += 1000) {
        // UPSERT is idempotent: a batch with rows the region could not confirm is sent again.
        for (int attempt = 1; ; attempt++) {
          for (int i = from; i < Math.min(rows, from + 1000); i++) {
            ps.setLong(1, i);
            ps.setInt(2, scores[i]);
            ps.setString(3, "player " + i);
            ps.addBatch();
          }
          try {
            ps.executeBatch();
            break;
          } catch (SQLException e) {
            ps.clearBatch();
            if (attempt == 5) {
              throw e;
            }
            System.out.printf("batch at row %,d failed (%s); sending it again%n", from,
                e.getSQLState());
          }
        }
      }
    }
    System.out.printf("loaded %,d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
    double hz = pagingRuns > 0 ? hazelcastPaging(random) : Double.NaN;
    t0 = System.nanoTime();
    execute(c, "CREATE INDEX leaderboard_score ON leaderboard (score DESC)");
    double build = (System.nanoTime() - t0) / 1e9;
    System.out.printf("online build of leaderboard_score: %.2f s, %,.0f rows/s%n", build,
        rows / build);
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN PLAN FOR "
        + TOP)) {
      while (rs.next()) {
        System.out.println("  " + rs.getString(1));
      }
    }
    double point;
    double top;
    try (PreparedStatement ps = c.prepareStatement(POINT);
        PreparedStatement tp = c.prepareStatement(TOP)) {
      point = median(5_000, 1_000, () -> {
        ps.setLong(1, ThreadLocalRandom.current().nextInt(rows));
        drain(ps);
      });
      top = median(1_000, 200, () -> drain(tp));
      System.out.println("top ten: " + String.join(", ", topTen(tp)));
    }
    System.out.printf("point read median %.3f ms; top-10 through the index median %.3f ms:"
        + " %.1fx a point read (target within 20x)%n", point, top, top / point);
    System.out.printf("top-10 by Hazelcast PagingPredicate on the table map: median %.1f ms"
        + " (%.0fx a point read)%n", hz, hz / point);
  }

  private static List<String> topTen(PreparedStatement tp) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = tp.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1) + ":" + rs.getInt(2));
      }
    }
    return out;
  }

  /**
   * Top-10 by score straight on the leaderboard's table map with Hazelcast's PagingPredicate
   * and a comparator over the stored rows: what Hazelcast itself offers for a top-N.
   */
  private double hazelcastPaging(Random random) throws Exception {
    IMap<byte[], byte[]> map = null;
    for (HazelcastInstance h : Hazelcast.getAllHazelcastInstances()) {
      for (DistributedObject o : h.getDistributedObjects()) {
        if (o.getName().startsWith("t.") && o instanceof IMap<?, ?> m && m.size() == rows) {
          @SuppressWarnings("unchecked")
          IMap<byte[], byte[]> found = (IMap<byte[], byte[]>) m;
          map = found;
        }
      }
      if (map != null) {
        break;
      }
    }
    if (map == null) {
      System.out.println("Hazelcast PagingPredicate: table map not found, skipped");
      return Double.NaN;
    }
    IMap<byte[], byte[]> m = map;
    // One run: every partition sorts all its entries, decoding rows to compare them.
    return median(pagingRuns, 0, () -> {
      var paging = Predicates.<byte[], byte[]>pagingPredicate(new ByScoreDesc(), 10);
      if (m.entrySet(paging).size() != 10) {
        throw new IllegalStateException("PagingPredicate returned a short page");
      }
    });
  }

  /** Orders stored leaderboard rows by score (column 1), highest first. */
  static final class ByScoreDesc implements Comparator<Map.Entry<byte[], byte[]>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Map.Entry<byte[], byte[]> a, Map.Entry<byte[], byte[]> b) {
      return Integer.compare(score(b.getValue()), score(a.getValue()));
    }

    private static int score(byte[] row) {
      Object[] v = RowFormat.decode(row).visibleValues(2);
      return v == null || v[1] == null ? Integer.MIN_VALUE : (Integer) v[1];
    }
  }

  /** YCSB workload E's short scans, uniform start keys, against H2 in memory. */
  private void ycsb(EmbeddedCluster cluster, Random random) throws Exception {
    String ddl = "CREATE TABLE usertable (ycsb_key VARCHAR(30) PRIMARY KEY, field0 VARCHAR(100),"
        + " field1 VARCHAR(100), field2 VARCHAR(100), field3 VARCHAR(100), field4 VARCHAR(100),"
        + " field5 VARCHAR(100), field6 VARCHAR(100), field7 VARCHAR(100), field8 VARCHAR(100),"
        + " field9 VARCHAR(100))";
    String meridianUrl = cluster.jdbcUrl("us-east-1");
    String h2Url = "jdbc:h2:mem:ycsb" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    for (String url : List.of(meridianUrl, h2Url)) {
      try (Connection c = DriverManager.getConnection(url)) {
        execute(c, ddl);
        if (url.equals(meridianUrl) && ycsbKeyIndex) {
          execute(c, "CREATE INDEX usertable_key ON usertable (ycsb_key)");
        }
        String insert = "INSERT INTO usertable VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(insert)) {
          for (int i = 0; i < ycsbRecords; i++) {
            ps.setString(1, key(i));
            for (int f = 0; f < 10; f++) {
              ps.setString(f + 2, randomText(random, 100));
            }
            ps.addBatch();
            if ((i + 1) % 500 == 0 || i == ycsbRecords - 1) {
              ps.executeBatch();
            }
          }
        }
      }
    }
    double meridian = scans(meridianUrl);
    double h2 = scans(h2Url);
    System.out.printf("YCSB-E-like short scans (%,d records, %d threads, scan length 1-100,"
        + " uniform start): Meridian %,.0f scans/s, H2 in memory %,.0f scans/s, ratio %.3f"
        + " (target >= 0.25)%n", ycsbRecords, threads, meridian, h2, meridian / h2);
  }

  private double scans(String url) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long end = System.nanoTime() + ycsbSeconds * 1_000_000_000L;
      List<Future<Long>> counts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        counts.add(pool.submit(() -> {
          long n = 0;
          try (Connection c = DriverManager.getConnection(url);
              PreparedStatement ps = c.prepareStatement(SCAN)) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (System.nanoTime() < end) {
              ps.setString(1, key(r.nextInt(ycsbRecords)));
              ps.setInt(2, 1 + r.nextInt(100));
              drain(ps);
              n++;
            }
          }
          return n;
        }));
      }
      long total = 0;
      for (Future<Long> f : counts) {
        total += f.get();
      }
      return total / (double) ycsbSeconds;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String key(int i) {
    return String.format("user%010d", i);
  }

  private static String randomText(Random random, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(c);
  }

  private interface Run {
    void run() throws Exception;
  }

  /** The median of {@code n} timed runs after {@code warmup} untimed ones, in milliseconds. */
  private static double median(int n, int warmup, Run run) throws Exception {
    for (int i = 0; i < warmup; i++) {
      run.run();
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      run.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[n / 2];
  }

  private static void drain(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rs.getObject(1);
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new IndexBench()).execute(args));
  }
}
