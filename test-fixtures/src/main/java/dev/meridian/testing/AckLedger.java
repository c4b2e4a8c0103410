package dev.meridian.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The acknowledgements of a whole-system test: every write a client saw acknowledged, one entry
 * per write (not per key), with when it was issued and when it was acknowledged, checked at the
 * end against what each region holds.
 *
 * <p>Which write of a key must win follows from the stamps the writes were acknowledged with,
 * without reading them: a stamp's physical part is the wall clock of the machine (every region
 * of a test runs on one), and a region stamps a write above every stamp it holds for the row. So
 * a write issued in a later millisecond than another was acknowledged, or issued in the same
 * region after the other was acknowledged there, has the higher stamp: it <em>follows</em> the
 * other. At the end a key must hold a write that no acknowledged write follows (for a key only
 * one client writes, its last write; for a key written from several regions, one of the last
 * concurrent ones), absent if that write was a delete.
 *
 * <p>A write whose outcome is unknown (its connection failed before the answer, so it may or may
 * not have been applied) and a write the contract allows to be lost (see {@link #mayBeLost})
 * may win but never make another write lose. Values must be unique per write.
 *
 * <p>Thread-safe: writers record from their own threads; checks run once they stopped.
 */
public final class AckLedger {
  /** A recorded write. */
  public record Write(long key, long value, boolean delete, String region, boolean acknowledged,
      long issuedMillis, long issuedNanos, long answeredMillis, long answeredNanos) {

    /** Whether this write's stamp is known to be above {@code earlier}'s. */
    boolean follows(Write earlier) {
      return issuedMillis > earlier.answeredMillis
          || (earlier.acknowledged && region != null && region.equals(earlier.region)
              && issuedNanos > earlier.answeredNanos);
    }

    @Override
    public String toString() {
      return (delete ? "DELETE" : "value " + value) + " of key " + key
          + (acknowledged ? " acknowledged by " + region : " (outcome unknown)")
          + " [issued " + issuedMillis + ", answered " + answeredMillis + "]";
    }
  }

  /** A write under way: issued, not yet answered. */
  public final class Pending {
    private final long key;
    private final long value;
    private final boolean delete;
    private final long issuedMillis = System.currentTimeMillis();
    private final long issuedNanos = System.nanoTime();

    private Pending(long key, long value, boolean delete) {
      this.key = key;
      this.value = value;
      this.delete = delete;
    }

    /** Records the write as acknowledged by {@code region}. */
    public Write acknowledged(String region) {
      return record(new Write(key, value, delete, region, true, issuedMillis, issuedNanos,
          System.currentTimeMillis(), System.nanoTime()));
    }

    /** Records the write as maybe applied: its answer never came. */
    public Write unknown() {
      return record(new Write(key, value, delete, null, false, issuedMillis, issuedNanos,
          System.currentTimeMillis(), System.nanoTime()));
    }
  }

  private final Map<Long, List<Write>> byKey = new ConcurrentHashMap<>();
  private volatile Predicate<Write> mayBeLost = w -> false;

  /** Starts a write of {@code value} (unique among all writes) to {@code key}. */
  public Pending begin(long key, long value) {
    return new Pending(key, value, false);
  }

  /** Starts a delete of {@code key}; {@code id} must be unique among all writes' values. */
  public Pending beginDelete(long key, long id) {
    return new Pending(key, id, true);
  }

  Write record(Write w) {
    List<Write> writes = byKey.computeIfAbsent(w.key(), k -> new ArrayList<>());
    synchronized (writes) {
      writes.add(w);
    }
    return w;
  }

  /**
   * Marks the acknowledged writes the contract allows to be lost (e.g. those a region
   * acknowledged shortly before every one of its peers died): they may be missing at the end.
   */
  public void mayBeLost(Predicate<Write> lost) {
    this.mayBeLost = lost;
  }

  /**
   * The fault switch that shows a test's final check can fail: run with
   * {@code -Dmeridian.it.phantomWrite=true}, this records a write of {@code key} (one no client
   * writes) as acknowledged by {@code region} though it was never sent, so the check that
   * follows must fail. Tests call it just before checking; without the property it does
   * nothing.
   */
  public void phantomIfAsked(String region, long key, long value) {
    if (Boolean.getBoolean("meridian.it.phantomWrite")) {
      begin(key, value).acknowledged(region);
    }
  }

  /** Every key written. */
  public Set<Long> keys() {
    return new TreeSet<>(byKey.keySet());
  }

  /** Every recorded write, acknowledged or not. */
  public List<Write> writes() {
    List<Write> out = new ArrayList<>();
    for (List<Write> writes : byKey.values()) {
      synchronized (writes) {
        out.addAll(writes);
      }
    }
    return out;
  }

  /** Acknowledged writes recorded so far. */
  public long acknowledgedCount() {
    return writes().stream().filter(Write::acknowledged).count();
  }

  /**
   * The writes of {@code key} that may be what it holds at the end: those no surely-applied
   * write follows.
   */
  public List<Write> mayWin(long key) {
    List<Write> writes;
    List<Write> recorded = byKey.getOrDefault(key, List.of());
    synchronized (recorded) {
      writes = List.copyOf(recorded);
    }
    Predicate<Write> lost = mayBeLost;
    List<Write> sure = writes.stream().filter(w -> w.acknowledged() && !lost.test(w)).toList();
    List<Write> out = new ArrayList<>();
    for (Write w : writes) {
      if (sure.stream().noneMatch(later -> later != w && later.follows(w))) {
        out.add(w);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * What is wrong with one region's final state, one line per key (empty when nothing is).
   *
   * @param held every written key's value in that region; a key without a row is absent
   */
  public List<String> problems(String region, Map<Long, Long> held) {
    List<String> problems = new ArrayList<>();
    Predicate<Write> lost = mayBeLost;
    for (long key : keys()) {
      Long value = held.get(key);
      List<Write> candidates = mayWin(key);
      boolean ok = candidates.stream().anyMatch(w -> w.delete() ? value == null
          : value != null && value == w.value());
      if (!ok && value == null) {
        // Absent is also right when no write of the key surely happened.
        ok = candidates.stream().allMatch(w -> !w.acknowledged() || lost.test(w));
      }
      if (!ok) {
        problems.add(region + " holds " + (value == null ? "no row" : "value " + value)
            + " for key " + key + "; it must hold one of " + candidates);
      }
    }
    return problems;
  }

  /**
   * Fails unless {@code region}'s final state is right for every key (see {@link #problems}).
   */
  public void assertHolds(String region, Map<Long, Long> held) {
    List<String> problems = problems(region, held);
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.size() + " keys wrong in " + region + " of "
          + byKey.size() + " written (" + acknowledgedCount() + " writes acknowledged), e.g. "
          + problems.subList(0, Math.min(10, problems.size())));
    }
  }
}
