package dev.meridian.peer.internal.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cells this peer's merges threw away in favour of others, newest last, bounded per table
 * by count and by age: what {@code MERIDIAN.CONFLICTS} shows. Recorded on the partition owner
 * only (a backup copies the merged row, it does not merge again), so each loss is logged once
 * per region; a retried apply after an owner change may log it again, which readers fold with
 * {@link ConflictEntry#sameLoss}.
 *
 * <p>A table created or altered with {@code conflict_log = off} is not recorded: each member's
 * catalog tells its log ({@link #logTable}) as the definition reaches it, so a merge on a member
 * that has not seen the change yet may still record a few entries. Entries recorded before the
 * switch stay until the bounds drop them.
 *
 * <p>Held in the member's user context under {@link #CONTEXT_KEY}. Thread-safe; appends take a
 * short lock, which partition threads of different partitions share.
 */
public final class ConflictLog {
  /** The user-context key the partition operations find the log under. */
  public static final String CONTEXT_KEY = "meridian.conflicts";

  private final int maxPerTable;
  private final long maxAgeMillis;
  private final Map<Long, ArrayDeque<ConflictEntry>> byTable = new HashMap<>();
  private final LongAdder recorded = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final Set<Long> off = ConcurrentHashMap.newKeySet();

  /**
   * @param maxPerTable entries kept per table; the oldest go first
   * @param maxAgeMillis entries older than this are dropped
   */
  public ConflictLog(int maxPerTable, long maxAgeMillis) {
    if (maxPerTable < 0 || maxAgeMillis < 0) {
      throw new IllegalArgumentException("conflict log bounds must not be negative: "
          + maxPerTable + " entries, " + maxAgeMillis + " ms");
    }
    this.maxPerTable = maxPerTable;
    this.maxAgeMillis = maxAgeMillis;
  }

  /** Sets whether merges of a table's rows are recorded (its {@code conflict_log} option). */
  public void logTable(long tableId, boolean on) {
    if (on) {
      off.remove(tableId);
    } else {
      off.add(tableId);
    }
  }

  /** Logs the cells one apply of a fragment to a row threw away. */
  public void record(long tableId, byte[] key, List<FragmentApply.Discarded> discarded,
      long nowMillis) {
    if (discarded.isEmpty() || maxPerTable == 0 || off.contains(tableId)) {
      return;
    }
    synchronized (byTable) {
      ArrayDeque<ConflictEntry> q = byTable.computeIfAbsent(tableId, t -> new ArrayDeque<>());
      for (FragmentApply.Discarded d : discarded) {
        q.addLast(new ConflictEntry(tableId, key, d.lost().column(), d.lost().encodedValue(),
            d.lost().stamp(), d.winner(), d.byTombstone(), nowMillis));
        recorded.increment();
        if (q.size() > maxPerTable) {
          q.removeFirst();
          evicted.increment();
        }
      }
    }
  }

  /** The entries still within their age, oldest first per table. */
  public List<ConflictEntry> entries(long nowMillis) {
    List<ConflictEntry> out = new ArrayList<>();
    synchronized (byTable) {
      for (ArrayDeque<ConflictEntry> q : byTable.values()) {
        while (!q.isEmpty() && nowMillis - q.peekFirst().observedAtMillis() > maxAgeMillis) {
          q.removeFirst();
          evicted.increment();
        }
        out.addAll(q);
      }
      byTable.values().removeIf(ArrayDeque::isEmpty);
    }
    return out;
  }

  /** Cells logged since the peer started, evicted or not. */
  public long recorded() {
    return recorded.sum();
  }

  /** Entries dropped for the count or age bound. */
  public long evicted() {
    return evicted.sum();
  }
}
