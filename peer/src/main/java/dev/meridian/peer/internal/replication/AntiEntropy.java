package dev.meridian.peer.internal.replication;

import dev.meridian.protocol.wire.ChangeRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Anti-entropy repair of one partition of one table from this region towards a target, in two
 * Merkle-style levels, shipping only the rows that differ:
 * <ol>
 *   <li>both sides hash their rows of the partition into {@value #BUCKETS} buckets by key hash;
 *       a bucket's digest is the sum of its rows' hashes (key and stored bytes);
 *   <li>for buckets whose digests differ, the target lists each row's key hash and row hash;
 *   <li>this side ships, as change records, each of its rows in those buckets that the target
 *       lacks or holds differently. The target merges them, so shipping a row it had newer
 *       changes nothing there.
 * </ol>
 * One direction only: rows the target has and this side lacks are the target's own link's
 * business. Rows are compared by their stored bytes, which are equal exactly when the merged
 * states are (the row format is canonical).
 *
 * <p>Residency: a repair between two regions covers only the rows both may hold, as a
 * {@link Scope} says, on both sides alike, so digests of equal states match and no pinned row
 * is shipped (or even hashed) towards a region outside its set. A tombstone whose row's
 * deciding value is gone with its cells ({@link Scope#TOMBSTONE}) is in no digest; it is
 * shipped only to a target that lists a live row of that key (which both may hold), so a delete
 * that the link could not carry still reaches the row's other regions, and goes nowhere else.
 * Stateless; the functions are pure and thread-safe.
 */
public final class AntiEntropy {
  /** Buckets per partition at the first level. */
  public static final int BUCKETS = 64;

  private AntiEntropy() {}

  /** Which rows a repair between two regions covers; implementations are thread-safe. */
  @FunctionalInterface
  public interface Scope {
    /** In the digests and row hashes, shipped where the target lacks or differs. */
    int LISTED = 0;
    /** In no digest; shipped only where the target lists its key with another row. */
    int TOMBSTONE = 1;
    /** Never compared nor shipped. */
    int HIDDEN = 2;
    /** Every row, listed. */
    Scope ALL = row -> LISTED;

    /** {@link #LISTED}, {@link #TOMBSTONE} or {@link #HIDDEN}. */
    int classify(Row row);
  }

  /** A stored row: canonical key bytes and row-format bytes. */
  public record Row(byte[] key, byte[] row) {}

  /** Reads this region's rows of a partition. */
  @FunctionalInterface
  public interface Rows {
    CompletionStage<List<Row>> rows(StreamId stream);
  }

  /** The target side of a repair. */
  public interface Target {
    /** The target's bucket digests of a partition ({@link #digest}). */
    CompletionStage<long[]> digest(StreamId stream);

    /** The target's key hash to row hash for its rows in the given buckets. */
    CompletionStage<Map<Long, Long>> rowHashes(StreamId stream, List<Integer> buckets);

    /** Ships rows to the target, which merges them; completes once applied. */
    CompletionStage<?> ship(List<ChangeRecord> rows);
  }

  /** What a repair did. */
  public record Result(long compared, long shipped) {}

  /**
   * Repairs one stream's partition at the target.
   *
   * @param batchSize most rows per shipment
   */
  public static CompletionStage<Result> repair(StreamId stream, Rows local, Target target,
      int batchSize) {
    return repair(stream, local, target, batchSize, Scope.ALL);
  }

  /**
   * Repairs one stream's partition at the target, covering the rows {@code scope} lets in
   * (the target's digests must use the same scope).
   */
  public static CompletionStage<Result> repair(StreamId stream, Rows local, Target target,
      int batchSize, Scope scope) {
    return local.rows(stream).thenApply(all -> scoped(all, scope)).thenCompose(rows ->
        rows.isEmpty()
        // Nothing here to push (a new table's partition): no round trip at all.
        ? CompletableFuture.completedFuture(new Result(0, 0))
        : target.digest(stream).thenCompose(theirs -> {
      long[] ours = digest(rows, scope);
      List<Integer> differing = new ArrayList<>();
      for (int b = 0; b < BUCKETS; b++) {
        if (theirs.length != BUCKETS || ours[b] != theirs[b]) {
          differing.add(b);
        }
      }
      if (differing.isEmpty()) {
        return CompletableFuture.completedFuture(new Result(rows.size(), 0));
      }
      return target.rowHashes(stream, differing).thenCompose(hashes -> {
        boolean[] inDiff = new boolean[BUCKETS];
        differing.forEach(b -> inDiff[b] = true);
        List<ChangeRecord> toShip = new ArrayList<>();
        for (Row r : rows) {
          long k = keyHash(r.key());
          if (inDiff[bucket(k)]) {
            Long theirRow = hashes.get(k);
            boolean listed = scope.classify(r) == Scope.LISTED;
            if ((theirRow == null && listed)
                || (theirRow != null && theirRow != rowHash(r.key(), r.row()))) {
              toShip.add(new ChangeRecord(stream.tableId(), r.key(), r.row()));
            }
          }
        }
        CompletionStage<?> shipped = CompletableFuture.completedFuture(null);
        for (int from = 0; from < toShip.size(); from += batchSize) {
          List<ChangeRecord> part = toShip.subList(from, Math.min(toShip.size(), from + batchSize));
          shipped = shipped.thenCompose(v -> target.ship(part));
        }
        return shipped.thenApply(v -> new Result(rows.size(), toShip.size()));
      });
    }));
  }

  /** The rows a scope does not hide. */
  private static List<Row> scoped(List<Row> rows, Scope scope) {
    if (scope == Scope.ALL) {
      return rows;
    }
    List<Row> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      if (scope.classify(r) != Scope.HIDDEN) {
        out.add(r);
      }
    }
    return out;
  }

  /** The first-level digest of a partition's rows. */
  public static long[] digest(List<Row> rows) {
    return digest(rows, Scope.ALL);
  }

  /** The first-level digest of the rows of a partition that a scope lists. */
  public static long[] digest(List<Row> rows, Scope scope) {
    long[] d = new long[BUCKETS];
    for (Row r : rows) {
      if (scope.classify(r) == Scope.LISTED) {
        d[bucket(keyHash(r.key()))] += rowHash(r.key(), r.row());
      }
    }
    return d;
  }

  /** Key hash to row hash of the rows in the given buckets. */
  public static Map<Long, Long> rowHashes(List<Row> rows, List<Integer> buckets) {
    return rowHashes(rows, buckets, Scope.ALL);
  }

  /** Key hash to row hash of the rows in the given buckets that a scope lists. */
  public static Map<Long, Long> rowHashes(List<Row> rows, List<Integer> buckets, Scope scope) {
    boolean[] wanted = new boolean[BUCKETS];
    for (int b : buckets) {
      if (b >= 0 && b < BUCKETS) {
        wanted[b] = true;
      }
    }
    Map<Long, Long> out = new HashMap<>();
    for (Row r : rows) {
      long k = keyHash(r.key());
      if (wanted[bucket(k)] && scope.classify(r) == Scope.LISTED) {
        out.put(k, rowHash(r.key(), r.row()));
      }
    }
    return out;
  }

  /** The bucket of a key hash. */
  public static int bucket(long keyHash) {
    return (int) (keyHash >>> 58);
  }

  /** A 64-bit hash of key bytes. */
  public static long keyHash(byte[] key) {
    return mix(fnv(0xcbf29ce484222325L, key));
  }

  /** A 64-bit hash of a row: its key and stored bytes. */
  public static long rowHash(byte[] key, byte[] row) {
    return mix(fnv(fnv(0x84222325cbf29ce4L, key) ^ key.length, row));
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** MurmurHash3's 64-bit finalizer: spreads every input bit over the output. */
  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
