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
 * states are (the row format is canonical). Stateless; the functions are pure and thread-safe.
 */
public final class AntiEntropy {
  /** Buckets per partition at the first level. */
  public static final int BUCKETS = 64;

  private AntiEntropy() {}

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
    return local.rows(stream).thenCompose(rows -> rows.isEmpty()
        // Nothing here to push (a new table's partition): no round trip at all.
        ? CompletableFuture.completedFuture(new Result(0, 0))
        : target.digest(stream).thenCompose(theirs -> {
      long[] ours = digest(rows);
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
            if (theirRow == null || theirRow != rowHash(r.key(), r.row())) {
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

  /** The first-level digest of a partition's rows. */
  public static long[] digest(List<Row> rows) {
    long[] d = new long[BUCKETS];
    for (Row r : rows) {
      d[bucket(keyHash(r.key()))] += rowHash(r.key(), r.row());
    }
    return d;
  }

  /** Key hash to row hash of the rows in the given buckets. */
  public static Map<Long, Long> rowHashes(List<Row> rows, List<Integer> buckets) {
    boolean[] wanted = new boolean[BUCKETS];
    for (int b : buckets) {
      if (b >= 0 && b < BUCKETS) {
        wanted[b] = true;
      }
    }
    Map<Long, Long> out = new HashMap<>();
    for (Row r : rows) {
      long k = keyHash(r.key());
      if (wanted[bucket(k)]) {
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
