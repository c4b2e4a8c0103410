package dev.meridian.cli.demo;

import dev.meridian.cli.Progress;
import dev.meridian.peer.testkit.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A region outage and its recovery, watched through JDBC: the region's peers stop (its data is
 * gone), the others keep writing, it starts again empty, the others backfill it, and it must
 * end up holding every row they held when it came back. Cluster control (stop, start,
 * backfill progress) goes through {@link EmbeddedCluster}; everything read goes through JDBC.
 * Not thread-safe: the demo's thread runs it.
 */
final class Outage {
  /** What the outage showed; times in seconds after the region started again, NaN if never. */
  record Result(int lostWrites, int survivorsDisagree, double servedSeconds,
      double caughtUpSeconds, long rowsBackfilled, String failure) {}

  private final Terminal out;
  private final EmbeddedCluster cluster;
  private final Map<String, String> urls;
  private final String region;
  private final LinkFigures links;
  private final Duration timeout;

  Outage(Terminal out, EmbeddedCluster cluster, Map<String, String> urls, String region,
      LinkFigures links, Duration timeout) {
    this.out = out;
    this.cluster = cluster;
    this.urls = urls;
    this.region = region;
    this.links = links;
    this.timeout = timeout;
  }

  /**
   * What the surviving regions hold of the down region's rows, compared with what the down
   * region had acknowledged to its players: the reference it must catch up to, and how many of
   * its last writes never left it.
   */
  record Survivors(Map<String, Long> reference, int lostWrites, int disagree) {}

  /**
   * Reads, in every surviving region, the rows the down region's players had written; the
   * reference for those is the newest score any survivor holds.
   */
  Survivors survivors(Map<String, Long> acknowledgedByDown) throws SQLException {
    Map<String, Long> newest = new HashMap<>();
    Set<String> disagree = new LinkedHashSet<>();
    Map<String, Long> first = null;
    for (Map.Entry<String, String> e : urls.entrySet()) {
      if (e.getKey().equals(region)) {
        continue;
      }
      Map<String, Long> held;
      try (Connection c = DriverManager.getConnection(e.getValue())) {
        held = CatchUp.scores(c, acknowledgedByDown.keySet());
      }
      held.forEach((k, v) -> newest.merge(k, v, Math::max));
      if (first == null) {
        first = held;
      } else {
        for (String k : acknowledgedByDown.keySet()) {
          if (!Objects.equals(first.get(k), held.get(k))) {
            disagree.add(k);
          }
        }
      }
    }
    int lost = 0;
    for (Map.Entry<String, Long> e : acknowledgedByDown.entrySet()) {
      if (newest.getOrDefault(e.getKey(), 0L) < e.getValue()) {
        lost++;
      }
    }
    return new Survivors(newest, lost, disagree.size());
  }

  /**
   * Starts the region again and waits until it serves and holds every {@code reference} row.
   *
   * @param reference key to least score, of every row it must hold
   */
  Result recover(Map<String, Long> reference, Survivors survivors) throws InterruptedException,
      SQLException {
    long restart = System.nanoTime();
    cluster.startRegion(region);
    out.line("  " + region + " started again, empty, in " + Terminal.seconds(since(restart))
        + ". The others backfill it (anti-entropy) while they keep");
    out.line("  writing; until it has caught up it refuses reads and writes rather than answer"
        + " from half a copy.");
    try (Connection c = DriverManager.getConnection(urls.get(region))) {
      String failure = awaitServing(c, restart);
      if (failure != null) {
        return new Result(survivors.lostWrites(), survivors.disagree(), Double.NaN, Double.NaN,
            0, failure);
      }
      double served = since(restart);
      long backfilled = 0;
      for (String from : urls.keySet()) {
        if (!from.equals(region)) {
          backfilled += links.link(from, region).rowsRepaired();
        }
      }
      out.line("  " + out.green(region + " serves again " + Terminal.seconds(served)
          + " after it started") + " (" + Terminal.count(backfilled) + " rows shipped to it by"
          + " anti-entropy).");
      CatchUp catchUp = new CatchUp(reference);
      failure = awaitRows(c, catchUp, restart);
      double caughtUp = failure == null ? since(restart) : Double.NaN;
      if (failure == null) {
        out.line("  " + out.green(region + " holds every row the others held when it came"
            + " back, " + Terminal.seconds(caughtUp) + " after it started") + ".");
      }
      return new Result(survivors.lostWrites(), survivors.disagree(), served, caughtUp,
          backfilled, failure);
    }
  }

  /** Shows the backfill until the region serves; a failure message when it did not in time. */
  private String awaitServing(Connection c, long restart) throws InterruptedException {
    long deadline = restart + timeout.toNanos();
    Set<String> refusals = new LinkedHashSet<>();
    while (!cluster.isServing(region)) {
      String refusal = tryRead(c);
      if (refusal != null && refusals.add(refusal.substring(0, 5))) {
        out.line("  a read in " + region + " now answers " + out.yellow(refusal));
      }
      boolean timedOut = System.nanoTime() > deadline;
      out.progress(backfillLine(restart), timedOut);
      if (timedOut) {
        return region + " did not serve within " + timeout.toSeconds() + " s: "
            + cluster.backfillStatus(region);
      }
      Thread.sleep(200);
    }
    out.progress(backfillLine(restart), true);
    return null;
  }

  private String backfillLine(long restart) {
    double p = cluster.backfillProgress(region);
    String status = cluster.backfillStatus(region);
    return String.format(Locale.ROOT, "  backfill %s %3.0f%%  %5.1f s  %s",
        Progress.cells(Math.round(p * 1000), 1000, 30), p * 100, since(restart),
        status.isEmpty() ? "" : "(" + status + ")").stripTrailing();
  }

  /** One point read; the refusal's SQLState and message, or null when it answered. */
  private static String tryRead(Connection c) {
    try (PreparedStatement ps = c.prepareStatement(BostonDublin.READ)) {
      ps.setString(1, "nobody");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return null;
      }
    } catch (SQLException e) {
      return e.getSQLState() + " " + e.getMessage();
    }
  }

  /**
   * Reads the region's copy of every reference row through JDBC until it holds them all at
   * their reference score or newer; a failure message when it did not in time.
   */
  private String awaitRows(Connection c, CatchUp catchUp, long restart)
      throws SQLException, InterruptedException {
    long deadline = restart + timeout.toNanos();
    boolean first = true;
    while (true) {
      CatchUp.Progress p = catchUp.check(c);
      if (first) {
        out.line("  of the " + Terminal.count(p.total()) + " rows the others held when it came"
            + " back, its first answer holds " + Terminal.count(p.upToDate()) + " up to date.");
        first = false;
      }
      boolean timedOut = System.nanoTime() > deadline;
      out.progress(String.format(Locale.ROOT, "  rows     %s %s / %s up to date",
          Progress.cells(p.upToDate(), p.total(), 30), Terminal.count(p.upToDate()),
          Terminal.count(p.total())), p.done() || timedOut);
      if (p.done()) {
        return null;
      }
      if (timedOut) {
        return region + " did not catch up within " + timeout.toSeconds() + " s: "
            + p.upToDate() + " of " + p.total() + " rows up to date (" + p.present()
            + " present)";
      }
      Thread.sleep(200);
    }
  }

  private static double since(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  /** The regions other than {@code down}, in order. */
  static List<String> others(List<String> regions, String down) {
    return regions.stream().filter(r -> !r.equals(down)).toList();
  }

  /** The reference a region must catch up to: its own writes' survivors plus the others'. */
  static Map<String, Long> reference(Map<String, Map<String, Long>> acknowledgedBySurvivor,
      Survivors survivors, Map<String, Long> extra) {
    Map<String, Long> out = new LinkedHashMap<>();
    acknowledgedBySurvivor.values().forEach(out::putAll);
    out.putAll(survivors.reference());
    out.putAll(extra);
    return out;
  }
}
