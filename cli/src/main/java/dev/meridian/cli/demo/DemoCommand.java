package dev.meridian.cli.demo;

import dev.meridian.peer.testkit.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian demo}: three regions in this JVM with realistic one-way WAN latencies, a
 * leaderboard written locally in each through JDBC, live local-latency-versus-lag figures, the
 * Boston/Dublin conflict, a region outage and its catch-up, and a summary table. Everything the
 * "application" does goes through JDBC ({@code jdbc:meridian:mem:} URLs); only cluster control
 * (start, stop a region, backfill progress) uses {@link EmbeddedCluster}.
 *
 * <p>Exit codes: 0 when every region ended on "Dublin" and the stopped region caught up; 1
 * when a check failed (the output says which); 2 for bad options.
 */
@Command(name = "demo", description = {
    "Shows what Meridian does, in under a minute, with three regions in this JVM.",
    "",
    "us-east-1, eu-west-1 and ap-southeast-1 run with realistic one-way latencies;",
    "players in each region write leaderboard scores locally through JDBC. Shows",
    "live local write latency against cross-region lag, replays the Boston/Dublin",
    "conflict, takes ap-southeast-1 down and back and watches it catch up, and ends",
    "with a summary table. Plain text when the output is not a terminal.",
    ""},
    footer = {"%nExit codes: 0 every check held; 1 a check failed (last-writer-wins or"
        + " catch-up); 2 bad options."})
public final class DemoCommand implements Callable<Integer> {
  static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1");
  static final String DOWN = "ap-southeast-1";
  static final String CREATE = "CREATE TABLE leaderboard (player VARCHAR(40) PRIMARY KEY,"
      + " region VARCHAR(20), score BIGINT, city VARCHAR(40))";
  private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(120);
  private static final String TRAVELLER = "globetrotter";

  /** One-way latency between two regions, both ways, in milliseconds. */
  record Wan(String a, String b, long ms) {}

  /** The figures: roughly what the public cloud measures between these regions. */
  static final List<Wan> LATENCIES = List.of(
      new Wan("us-east-1", "eu-west-1", 40),
      new Wan("us-east-1", "ap-southeast-1", 110),
      new Wan("eu-west-1", "ap-southeast-1", 90));

  @Option(names = "--seconds", defaultValue = "5", paramLabel = "N",
      description = "length of the live phase and of the outage, in seconds"
          + " (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--players", defaultValue = "3", paramLabel = "N",
      description = "player threads writing in each region (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--roster", defaultValue = "1000", paramLabel = "N",
      description = "players on the leaderboard per region (default: ${DEFAULT-VALUE})")
  int roster;

  @Option(names = "--rate", defaultValue = "100", paramLabel = "N",
      description = "score writes per second in each region (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--no-color", description = "no ANSI colour (also off when the output is"
      + " not a terminal, or NO_COLOR is set)")
  boolean noColor;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    validate();
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // The embedded peers log to the same terminal; keep the demo's output readable.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Terminal out = Terminal.detect(noColor);
    long started = System.nanoTime();
    EmbeddedCluster.Options options = EmbeddedCluster.Options.defaults();
    for (Wan w : LATENCIES) {
      options = options.wanLatencyMs(w.a(), w.b(), w.ms());
    }
    out.heading(1, "Three regions, one leaderboard");
    for (Wan w : LATENCIES) {
      out.line(String.format(Locale.ROOT, "  %-15s <-> %-15s %4d ms one way", w.a(), w.b(),
          w.ms()));
    }
    long t = System.nanoTime();
    try (EmbeddedCluster cluster = EmbeddedCluster.start("demo", REGIONS, options)) {
      out.line("  started " + REGIONS.size() + " regions in this JVM (peers, Hazelcast, links on"
          + " loopback) in " + Terminal.seconds(since(t)));
      return new Run(out, cluster).play(started);
    }
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (seconds < 1 || seconds > 3600) {
      problems.add("--seconds must be 1 to 3600, not " + seconds);
    }
    if (threads < 1 || threads > 64) {
      problems.add("--players must be 1 to 64, not " + threads);
    }
    if (roster < threads || roster > 100_000) {
      problems.add("--roster must be from --players (" + threads + ") to 100000, not " + roster);
    }
    if (rate < threads || rate > 10_000) {
      problems.add("--rate must be from --players (" + threads + ") to 10000, not " + rate);
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
    }
  }

  static double since(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  /** One run of the demo against a started cluster. */
  private final class Run {
    final Terminal out;
    final EmbeddedCluster cluster;
    final Map<String, String> urls = new LinkedHashMap<>();
    final LinkFigures links = new LinkFigures();
    final List<String> failures = new ArrayList<>();
    Players players;
    LiveView live;
    TopTen topTen;
    BostonDublin.Result conflict;
    Outage.Result outage;

    Run(Terminal out, EmbeddedCluster cluster) {
      this.out = out;
      this.cluster = cluster;
      for (String r : REGIONS) {
        urls.put(r, cluster.jdbcUrl(r));
      }
    }

    int play(long started) throws Exception {
      try {
        setUp();
        liveTraffic();
        bostonDublin();
        outage();
        capacity();
        players.stopAll();
        new Summary(out, REGIONS, DOWN, players, links).print(conflict, outage);
      } finally {
        if (players != null) {
          players.stopAll();
        }
      }
      if (failures.isEmpty()) {
        out.line(out.green("demo finished: every check held.") + " Total "
            + Terminal.seconds(since(started)) + ".");
        return 0;
      }
      for (String f : failures) {
        out.line(out.red("FAILED: " + f));
      }
      return 1;
    }

    private void setUp() throws SQLException, InterruptedException {
      out.line("  each region's application connects with its own JDBC URL, e.g.");
      out.line("    " + out.cyan(urls.get("eu-west-1")));
      try (Connection c = DriverManager.getConnection(urls.get(REGIONS.get(0)));
          Statement s = c.createStatement()) {
        s.execute(CREATE);
      }
      out.line("  " + REGIONS.get(0) + ": " + CREATE);
      if (!cluster.awaitConverged(CONVERGE_TIMEOUT)) {
        throw new IllegalStateException("the table did not reach every region within "
            + CONVERGE_TIMEOUT.toSeconds() + " s");
      }
      out.line("  the table exists in every region.");
      topTen = new TopTen(out, REGIONS, urls);
      topTen.createIndexes();
      players = new Players(urls, threads, roster, rate);
      live = new LiveView(out, REGIONS, players, links);
    }

    private void liveTraffic() throws SQLException, InterruptedException {
      out.heading(2, "Players write locally; replication carries it everywhere");
      out.line("  " + threads + " player threads per region, " + rate + " score writes/s per"
          + " region, each an UPSERT through JDBC");
      out.line("  in the player's home region (" + Terminal.count(roster) + " players per"
          + " region; a player's first score creates the row).");
      out.line("  local p50/p99: executeUpdate as the player timed it, this second.");
      out.line("  lag->X: commit here to applied in X, p50 / p99 over the last minute, from the"
          + " links' own figures.");
      for (String r : REGIONS) {
        players.start(r);
      }
      live.header();
      ticks(seconds, Set.of());
      out.line("");
      out.line("  the live top ten, read in each region from its own replica through its own"
          + " index:");
      topTen.explain();
      topTen.print();
    }

    private void ticks(int n, Set<String> down) throws InterruptedException {
      long next = System.nanoTime();
      for (int i = 0; i < n; i++) {
        next += TimeUnit.SECONDS.toNanos(1);
        TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
        live.tick(down);
      }
    }

    private void bostonDublin() throws SQLException, InterruptedException {
      out.heading(3, "Boston/Dublin: one row, two regions, 20 ms apart");
      out.line("  player '" + TRAVELLER + "' plays in Boston (us-east-1) at t=0, then in Dublin"
          + " (eu-west-1) at t=20 ms,");
      out.line("  The us-east-1 -> eu-west-1 link is held until Dublin is acknowledged, so Dublin"
          + " is written");
      out.line("  before Boston arrives there even on a slow machine: a true conflict.");
      out.line("  Each region applies the two writes when they reach it, in whatever order,"
          + " and keeps the one");
      out.line("  with the higher stamp (hybrid logical clock): Dublin, written later.");
      conflict = new BostonDublin(urls, TRAVELLER).holdingTheFirstWrite(
          () -> cluster.pauseLink("us-east-1", "eu-west-1"),
          () -> cluster.resumeLink("us-east-1", "eu-west-1")).replay("Lisbon",
          BostonDublin.Write.plan("us-east-1", "Boston", 0),
          BostonDublin.Write.plan("eu-west-1", "Dublin", 20),
          Duration.ofMillis(500), Duration.ofSeconds(30));
      BostonDublin.Result r = conflict;
      out.line("  every region read '" + r.initialCity() + "' before t=0.");
      for (BostonDublin.Write w : r.writes()) {
        out.line(String.format(Locale.ROOT,
            "  t=%6.2f ms  %-15s UPSERT city='%s'   acknowledged in %s ms", w.sentAtMillis(),
            w.region(), w.city(), Terminal.millis(w.ackMillis())));
      }
      out.line("  what a reader polling each region saw (ms after t=0, when its read returned):");
      for (Map.Entry<String, List<BostonDublin.Sighting>> e : r.seen().entrySet()) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "    %-16s",
            e.getKey()));
        boolean first = true;
        for (BostonDublin.Sighting s : e.getValue()) {
          if (first) {
            line.append(s.city());
            first = false;
          } else {
            line.append("  ->  ").append(s.city()).append(" @ ")
                .append(Terminal.millis(s.atMillis()));
          }
        }
        out.line(line.toString());
      }
      if (r.allOn("Dublin")) {
        out.line("  verdict: " + out.green("all " + REGIONS.size() + " regions agree on"
            + " \"Dublin\"") + " (the last region got there at "
            + Terminal.millis(r.settledAtMillis()) + " ms): the later stamp wins.");
      } else {
        out.line("  verdict: " + out.red("regions disagree or ended elsewhere: "
            + r.finalCity()));
        failures.add("Boston/Dublin: expected \"Dublin\" in every region, got " + r.finalCity());
      }
      conflictLog(r);
    }

    /** Shows what each region's conflict log says last-writer-wins threw away for the row. */
    private void conflictLog(BostonDublin.Result r) throws SQLException, InterruptedException {
      out.line("  SELECT * FROM MERIDIAN.CONFLICTS in each region, for this row's city:");
      Map<String, List<BostonDublin.Loss>> losses = new BostonDublin(urls, TRAVELLER)
          .losses(List.of("eu-west-1"), Duration.ofSeconds(10));
      boolean bostonLostInDublin = false;
      for (Map.Entry<String, List<BostonDublin.Loss>> e : losses.entrySet()) {
        if (e.getValue().isEmpty()) {
          out.line(String.format(Locale.ROOT, "    %-16s(none: no write lost on arrival"
              + " there; the later one came last, an ordinary overwrite)", e.getKey()));
        }
        for (BostonDublin.Loss l : e.getValue()) {
          bostonLostInDublin |= e.getKey().equals("eu-west-1") && "Boston".equals(l.losingValue())
              && "us-east-1".equals(l.losingRegion()) && "eu-west-1".equals(l.winningRegion());
          out.line(String.format(Locale.ROOT, "    %-16s'%s' written in %s lost to the %s"
              + " written in %s %s ms later", e.getKey(), l.losingValue(), l.losingRegion(),
              l.wonBy(), l.winningRegion(), Terminal.millis(
                  Duration.between(l.losingAt(), l.winningAt()).toNanos() / 1e6)));
        }
      }
      if (bostonLostInDublin) {
        out.line("  verdict: " + out.green("eu-west-1 logged \"Boston\" losing to \"Dublin\"")
            + ": what last-writer-wins threw away stays visible.");
      } else {
        out.line("  verdict: " + out.red("no conflict-log entry of \"Boston\" losing in"
            + " eu-west-1: " + losses));
        failures.add("Boston/Dublin: eu-west-1's MERIDIAN.CONFLICTS does not show \"Boston\""
            + " losing to \"Dublin\": " + losses);
      }
    }

    private void outage() throws SQLException, InterruptedException {
      out.heading(4, "Outage: " + DOWN + " goes down, comes back empty, catches up");
      players.stop(DOWN);
      cluster.stopRegion(DOWN);
      out.line("  " + DOWN + " stopped: its peers are closed and its data is gone. The others"
          + " keep writing.");
      live.header();
      ticks(seconds, Set.of(DOWN));
      Outage o = new Outage(out, cluster, urls, DOWN, links, CATCH_UP_TIMEOUT);
      Outage.Survivors survivors = o.survivors(players.acknowledged(DOWN));
      if (survivors.lostWrites() > 0) {
        out.line("  " + Terminal.count(survivors.lostWrites()) + " of " + DOWN + "'s last"
            + " acknowledged writes had not reached another region when it went down: gone"
            + " with it");
        out.line("  (replication is asynchronous, as in DynamoDB global tables).");
      }
      if (survivors.disagree() > 0) {
        out.line("  " + out.yellow(Terminal.count(survivors.disagree()) + " of " + DOWN
            + "'s rows differ between the surviving regions") + " (each got a different share"
            + " of its last writes).");
      }
      Map<String, Map<String, Long>> acknowledged = new LinkedHashMap<>();
      for (String r : Outage.others(REGIONS, DOWN)) {
        acknowledged.put(r, players.acknowledged(r));
      }
      outage = o.recover(Outage.reference(acknowledged, survivors, Map.of(TRAVELLER, 0L)),
          survivors);
      if (outage.failure() != null) {
        failures.add(outage.failure());
        return;
      }
      players.start(DOWN);
      out.line("  its players are back.");
      live.header();
      ticks(Math.max(2, seconds / 2), Set.of());
    }

    /**
     * Limits one region's writes to half what its players offer: the rest are throttled with
     * 53M01, while the other regions' writes keep applying there (their lag stays as it was).
     */
    private void capacity() throws SQLException, InterruptedException {
      String limited = "eu-west-1";
      long limit = Math.max(1, rate / 2);
      out.heading(5, "Capacity: " + limited + " limited to " + limit + " writes/s");
      String alter = "ALTER TABLE leaderboard SET (write_capacity['" + limited + "'] = '"
          + limit + "/s')";
      try (Connection c = DriverManager.getConnection(urls.get(limited));
          Statement s = c.createStatement()) {
        s.execute(alter);
      }
      out.line("  " + limited + ": " + alter);
      out.line("  its players keep offering " + rate + " writes/s; its peers admit " + limit
          + "/s and answer the rest 53M01 (retryable, and the driver does not fail over:");
      out.line("  that would move the load, not limit it). Writes from the other regions apply"
          + " in " + limited + " at full rate: see lag->" + limited + ".");
      long before = players.throttled(limited);
      live.header();
      ticks(seconds, Set.of());
      long throttled = players.throttled(limited) - before;
      out.line("  SELECT peer, write_limit, peer_share, writes_last_minute,"
          + " writes_throttled_last_minute FROM MERIDIAN.CAPACITY in " + limited + ":");
      try (Connection c = DriverManager.getConnection(urls.get(limited));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT peer, write_limit, peer_share,"
              + " writes_last_minute, writes_throttled_last_minute FROM meridian.capacity"
              + " WHERE table_name = 'LEADERBOARD'")) {
        while (rs.next()) {
          out.line(String.format(Locale.ROOT, "    %-22s limit %d/s, share %.2f: %d written,"
              + " %d throttled in the last minute", rs.getString(1), rs.getLong(2),
              rs.getDouble(3), rs.getLong(4), rs.getLong(5)));
        }
      }
      try (Connection c = DriverManager.getConnection(urls.get(limited));
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE leaderboard RESET (write_capacity['" + limited + "'])");
      }
      out.line("  " + limited + ": ALTER TABLE leaderboard RESET (write_capacity['" + limited
          + "'])");
      if (throttled > 0) {
        out.line("  verdict: " + out.green(limited + " throttled " + Terminal.count(throttled)
            + " of its players' writes with 53M01") + "; the lag->" + limited + " column is the"
            + " other regions' writes applying there meanwhile.");
      } else {
        out.line("  verdict: " + out.red("no write was throttled in " + limited));
        failures.add("capacity: no write of " + limited + " was throttled at " + limit + "/s");
      }
    }
  }
}
