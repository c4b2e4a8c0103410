package dev.meridian.peer.internal.replication;

import dev.meridian.protocol.wire.KeyBytes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells this member's link senders that a stream has a new local change, so they read it at
 * once instead of at the next sweep. Called by write processors on the partition thread right
 * after a local write is stored: it only computes the partition and hands the stream id to each
 * listener, which must not block. Lives in the Hazelcast user context under
 * {@link #CONTEXT_KEY}. Thread-safe.
 */
public final class ChangeNotifier {
  /** Key of the member's notifier in the Hazelcast user context. */
  public static final String CONTEXT_KEY = "meridian.changes";

  private final List<Consumer<StreamId>> listeners = new CopyOnWriteArrayList<>();
  private volatile int partitionCount;

  /** Sets the member's partition count once it runs; until then changes are not signalled. */
  public void partitionCount(int count) {
    this.partitionCount = count;
  }

  /** Adds a listener. */
  public void subscribe(Consumer<StreamId> listener) {
    listeners.add(listener);
  }

  /** Removes a listener. */
  public void unsubscribe(Consumer<StreamId> listener) {
    listeners.remove(listener);
  }

  /** Signals a local change of a row of a table. */
  public void changed(long tableId, byte[] key) {
    int count = partitionCount;
    if (count == 0 || listeners.isEmpty()) {
      return;
    }
    StreamId stream = new StreamId(tableId, KeyBytes.partition(key, count));
    for (Consumer<StreamId> l : listeners) {
      l.accept(stream);
    }
  }
}
