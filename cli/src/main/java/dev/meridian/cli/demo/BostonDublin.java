package dev.meridian.cli.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The classic multi-region conflict, replayed through JDBC: one row, {@code city} set to
 * "Boston" in one region at t=0 and to "Dublin" in another at t=50 ms, before the first write
 * can have reached the second region. A reader per region polls the row and notes every value
 * it sees and when. Last-writer-wins by stamp says every region ends on "Dublin".
 *
 * <p>t=0 is the instant the first write is sent. Each write runs on its own thread with its
 * statement prepared in advance; the second parks until a millisecond before t=0 + 50 ms and
 * then spins, so the gap holds to a fraction of a millisecond unless the machine is starved
 * (the actual instants are reported). Not thread-safe: one replay at a time.
 */
final class BostonDublin {
  static final String READ = "SELECT city FROM leaderboard WHERE player = ?";
  static final String WRITE_CITY = "UPSERT INTO leaderboard (player, city) VALUES (?, ?)";
  static final String CONFLICTS = "SELECT LOSING_VALUE, LOSING_REGION, LOSING_WRITTEN_AT,"
      + " WINNING_REGION, WINNING_WRITTEN_AT, WON_BY FROM MERIDIAN.CONFLICTS"
      + " WHERE TABLE_NAME = 'LEADERBOARD' AND COLUMN_NAME = 'CITY' AND ROW_KEY = ?";

  /**
   * An entry of a region's conflict log for the row's city: the value that lost, where it was
   * written and when (wall clock of its stamp), and the same of the write that beat it.
   */
  record Loss(String observedIn, String losingValue, String losingRegion,
      java.time.LocalDateTime losingAt, String winningRegion, java.time.LocalDateTime winningAt,
      String wonBy) {}

  /** A value a region's reader saw, at milliseconds after t=0 (when the read returned). */
  record Sighting(double atMillis, String city) {}

  /** A write: its region and value, when it was sent (ms after t=0), how long its ack took. */
  record Write(String region, String city, double sentAtMillis, double ackMillis) {
    /** A write to make {@code atMillis} after t=0. */
    static Write plan(String region, String city, double atMillis) {
      return new Write(region, city, atMillis, Double.NaN);
    }
  }

  /** What happened. */
  record Result(String initialCity, List<Write> writes, Map<String, List<Sighting>> seen,
      Map<String, String> finalCity, double settledAtMillis) {

    /** Whether every region ended on {@code expected}. */
    boolean allOn(String expected) {
      return finalCity.values().stream().allMatch(expected::equals);
    }
  }

  /** A value seen at an instant ({@link System#nanoTime}). */
  private record Seen(long nanos, String city) {}

  private final Map<String, String> urls;
  private final String player;
  private Runnable hold = () -> {};
  private Runnable release = () -> {};

  /**
   * @param urls each region's JDBC URL, in display order
   * @param player the key of the shared row
   */
  BostonDublin(Map<String, String> urls, String player) {
    this.urls = urls;
    this.player = player;
  }

  /**
   * Holds what the first write's region ships to the second's from just before t=0 until the
   * second write is acknowledged ({@code hold}, then {@code release}), so the second is written
   * before the first arrives there however slow this machine is: a true conflict.
   */
  BostonDublin holdingTheFirstWrite(Runnable hold, Runnable release) {
    this.hold = hold;
    this.release = release;
    return this;
  }

  /**
   * Writes the row with {@code initialCity} in {@code first}'s region and waits until every
   * region reads it; then makes the two writes and waits until every region has read the same
   * value for {@code quiet} (at most {@code timeout}).
   */
  Result replay(String initialCity, Write first, Write second, Duration quiet, Duration timeout)
      throws SQLException, InterruptedException {
    Map<String, Connection> readers = new LinkedHashMap<>();
    List<Connection> writers = new ArrayList<>();
    try {
      for (Map.Entry<String, String> e : urls.entrySet()) {
        readers.put(e.getKey(), DriverManager.getConnection(e.getValue()));
      }
      writers.add(DriverManager.getConnection(urls.get(first.region())));
      writers.add(DriverManager.getConnection(urls.get(second.region())));
      try (PreparedStatement ps = writers.get(0).prepareStatement(WRITE_CITY)) {
        ps.setString(1, player);
        ps.setString(2, initialCity);
        ps.executeUpdate();
      }
      awaitEverywhere(readers, initialCity, timeout);
      return run(readers, writers, initialCity, first, second, quiet, timeout);
    } finally {
      for (Connection c : readers.values()) {
        c.close();
      }
      for (Connection c : writers) {
        c.close();
      }
    }
  }

  private Result run(Map<String, Connection> readers, List<Connection> writers,
      String initialCity, Write first, Write second, Duration quiet, Duration timeout)
      throws SQLException, InterruptedException {
    List<Poller> pollers = new ArrayList<>();
    for (Map.Entry<String, Connection> e : readers.entrySet()) {
      Poller p = new Poller(e.getKey(), e.getValue());
      pollers.add(p);
      p.thread.start();
    }
    CompletableFuture<Long> zero = new CompletableFuture<>();
    Writer a = new Writer(writers.get(0), first,
        CompletableFuture.completedFuture(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100)),
        zero);
    Writer b = new Writer(writers.get(1), second, zero, new CompletableFuture<>());
    hold.run();
    try {
      a.thread.start();
      b.thread.start();
      a.thread.join();
      b.thread.join();
    } finally {
      release.run();
    }
    for (Writer w : List.of(a, b)) {
      if (w.error != null) {
        stopAll(pollers);
        throw w.error;
      }
    }
    long t0 = zero.join();
    long deadline = System.nanoTime() + timeout.toNanos();
    long settled = -1;
    while (System.nanoTime() < deadline) {
      Thread.sleep(20);
      long last = agreedSince(pollers);
      if (last >= 0 && System.nanoTime() - last >= quiet.toNanos()) {
        settled = last;
        break;
      }
    }
    stopAll(pollers);
    Map<String, List<Sighting>> seen = new LinkedHashMap<>();
    for (Poller p : pollers) {
      List<Sighting> list = new ArrayList<>();
      synchronized (p.seen) {
        for (Seen s : p.seen) {
          list.add(new Sighting(millis(s.nanos() - t0), s.city()));
        }
      }
      seen.put(p.region, list);
    }
    Map<String, String> finalCity = new LinkedHashMap<>();
    for (Map.Entry<String, Connection> e : readers.entrySet()) {
      finalCity.put(e.getKey(), read(e.getValue()));
    }
    return new Result(initialCity, List.of(a.done(t0), b.done(t0)), seen, finalCity,
        settled < 0 ? Double.NaN : millis(settled - t0));
  }

  /** When every reader last changed its value, if they all read the same value now; else -1. */
  private static long agreedSince(List<Poller> pollers) {
    String agreed = null;
    long last = -1;
    for (Poller p : pollers) {
      Seen s = p.last();
      if (s == null || (agreed != null && !agreed.equals(s.city()))) {
        return -1;
      }
      agreed = s.city();
      last = Math.max(last, s.nanos());
    }
    return last;
  }

  private static void stopAll(List<Poller> pollers) throws InterruptedException {
    for (Poller p : pollers) {
      p.stop();
    }
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private void awaitEverywhere(Map<String, Connection> readers, String city, Duration timeout)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Map.Entry<String, Connection> e : readers.entrySet()) {
      while (!city.equals(read(e.getValue()))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(e.getKey() + " did not read city '" + city + "' of "
              + player + " within " + timeout.toSeconds() + " s");
        }
        Thread.sleep(10);
      }
    }
  }

  /**
   * Each region's conflict-log entries for the row's city, once every region in
   * {@code expectedIn} shows at least one (or {@code timeout} passed: then as they are).
   */
  Map<String, List<Loss>> losses(List<String> expectedIn, Duration timeout)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, List<Loss>> out = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : urls.entrySet()) {
        List<Loss> list = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(e.getValue());
            PreparedStatement ps = c.prepareStatement(CONFLICTS)) {
          ps.setString(1, player);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              list.add(new Loss(e.getKey(), rs.getString(1), rs.getString(2),
                  rs.getObject(3, java.time.LocalDateTime.class), rs.getString(4),
                  rs.getObject(5, java.time.LocalDateTime.class), rs.getString(6)));
            }
          }
        }
        out.put(e.getKey(), list);
      }
      boolean all = expectedIn.stream().allMatch(r -> !out.getOrDefault(r, List.of()).isEmpty());
      if (all || System.nanoTime() > deadline) {
        return out;
      }
      Thread.sleep(100);
    }
  }

  private String read(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(READ)) {
      ps.setString(1, player);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void sleepUntil(long nanos) {
    long early = TimeUnit.MILLISECONDS.toNanos(1);
    while (nanos - System.nanoTime() > early) {
      LockSupport.parkNanos(nanos - System.nanoTime() - early);
    }
    while (System.nanoTime() < nanos) {
      Thread.onSpinWait();
    }
  }

  /**
   * One write on its own thread: waits for {@code base} (an instant), then until
   * {@code plan.sentAtMillis} after it, sends, and completes {@code sent} with the instant.
   */
  private final class Writer {
    final Thread thread;
    final Write plan;
    volatile long sentNanos;
    volatile double ackMillis;
    volatile SQLException error;

    Writer(Connection c, Write plan, CompletableFuture<Long> base, CompletableFuture<Long> sent) {
      this.thread = new Thread(() -> {
        try (PreparedStatement ps = c.prepareStatement(WRITE_CITY)) {
          ps.setString(1, player);
          ps.setString(2, plan.city());
          long from = base.join();
          sleepUntil(from + (long) (plan.sentAtMillis() * 1e6));
          long at = System.nanoTime();
          sent.complete(at);
          ps.executeUpdate();
          ackMillis = millis(System.nanoTime() - at);
          sentNanos = at;
        } catch (SQLException e) {
          error = e;
          sent.complete(System.nanoTime());
        }
      }, "demo-write-" + plan.region());
      thread.setDaemon(true);
      this.plan = plan;
    }

    Write done(long t0) {
      return new Write(plan.region(), plan.city(), millis(sentNanos - t0), ackMillis);
    }
  }

  /** Reads the row in one region over and over, noting each change of value. */
  private final class Poller {
    final String region;
    final Connection connection;
    final List<Seen> seen = new ArrayList<>();
    final Thread thread;
    volatile boolean running = true;

    Poller(String region, Connection connection) {
      this.region = region;
      this.connection = connection;
      this.thread = new Thread(this::poll, "demo-read-" + region);
      thread.setDaemon(true);
    }

    Seen last() {
      synchronized (seen) {
        return seen.isEmpty() ? null : seen.get(seen.size() - 1);
      }
    }

    private void note(String city) {
      synchronized (seen) {
        if (seen.isEmpty() || !Objects.equals(seen.get(seen.size() - 1).city(), city)) {
          seen.add(new Seen(System.nanoTime(), city));
        }
      }
    }

    private void poll() {
      try (PreparedStatement ps = connection.prepareStatement(READ)) {
        ps.setString(1, player);
        while (running) {
          try (ResultSet rs = ps.executeQuery()) {
            note(rs.next() ? rs.getString(1) : null);
          }
          LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
        }
      } catch (SQLException e) {
        note("error " + e.getSQLState() + ": " + e.getMessage());
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
