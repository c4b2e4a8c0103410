package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.WriteKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Rows of every table on Hazelcast: one {@link IMap} per table incarnation named
 * {@code t.<tableId>}, keyed by the canonical key bytes ({@link TableKey}) with the
 * {@link RowFormat} bytes of the row as value.
 *
 * <p>Writes run as a {@link WriteProcessor} on the key's partition owner; reads are plain gets
 * from the owner. Every call is asynchronous and pipelines with the others. Thread-safe.
 */
final class TableStore {

  /** The Hazelcast configuration pattern matching every table map. */
  static final String MAP_PATTERN = "t.*";

  private final HazelcastInstance hazelcast;

  TableStore(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** The map name of a table incarnation. */
  static String mapName(long tableId) {
    return "t." + tableId;
  }

  /** The map holding a table's rows. */
  IMap<byte[], byte[]> map(long tableId) {
    return hazelcast.getMap(mapName(tableId));
  }

  /**
   * Submits one checked row write to its partition owner.
   *
   * @param pin the table's residency pin, or null when its rows may live anywhere
   * @param now the moment the write judges its row's expiry at ({@link Expiry#now})
   */
  CompletionStage<WriteResult> write(TableSchema schema, WriteKind kind, CheckedWrite write,
      Residency.Pin pin, long now) {
    WriteProcessor processor =
        new WriteProcessor(schema, kind, write, pin, now);
    return onCaller(map(schema.tableId()).submitToKey(write.key(), processor), r -> r);
  }

  /**
   * Deletes a row the sweep found expired at {@code now} with a stamped tombstone, through the
   * owner's write path, which checks again that it is still expired there.
   */
  CompletionStage<WriteResult> expire(TableSchema schema, byte[] key, long now) {
    return onCaller(map(schema.tableId()).submitToKey(key, WriteProcessor.sweep(schema, now)),
        r -> r);
  }

  /**
   * Reads one row: its visible values in column order, or null when it is not visible or
   * expired at {@code now}.
   */
  CompletionStage<Object[]> read(TableSchema schema, byte[] key, long now) {
    return onCaller(map(schema.tableId()).getAsync(key), bytes -> {
      Object[] row = bytes == null ? null
          : RowFormat.decode(bytes).visibleValues(schema.columnCount());
      return Expiry.expired(row, schema.ttlColumn(), now) ? null : row;
    });
  }

  /** Reads one row as stored (tombstone and every cell), or {@link StoredRow#EMPTY}. */
  CompletionStage<StoredRow> readStored(long tableId, byte[] key) {
    return onCaller(map(tableId).getAsync(key),
        bytes -> bytes == null ? StoredRow.EMPTY : RowFormat.decode(bytes));
  }

  /** Destroys a dropped table's map on every member (blocking). */
  void destroy(long tableId) {
    map(tableId).destroy();
  }

  /**
   * Continues a Hazelcast future on the thread that completes it, as a plain
   * CompletableFuture. Hazelcast runs dependent stages on its default async executor, which on
   * a machine whose common pool has parallelism 1 (two cores) starts a new thread per callback:
   * thousands of threads a second under load. The continuations here are short and never block.
   */
  private static <T, R> CompletableFuture<R> onCaller(CompletionStage<T> stage,
      Function<? super T, ? extends R> then) {
    CompletableFuture<R> out = new CompletableFuture<>();
    stage.whenCompleteAsync((value, error) -> {
      if (error != null) {
        out.completeExceptionally(error);
        return;
      }
      try {
        out.complete(then.apply(value));
      } catch (RuntimeException e) {
        out.completeExceptionally(e);
      }
    }, Runnable::run);
    return out;
  }
}
