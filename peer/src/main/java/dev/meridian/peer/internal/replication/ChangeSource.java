package dev.meridian.peer.internal.replication;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The change streams of this region: per partition, in apply order, positions are sequence
 * numbers. Implemented over Hazelcast's map event journal in a peer, and by a simulated journal
 * in the replication simulation. Implementations must be thread-safe.
 */
public interface ChangeSource {

  /** A run of a stream read from {@code from}. */
  record Slice(List<Change> changes, long next, int readCount) {}

  /** Thrown (in the stage) when the history from a position is no longer held. */
  final class HistoryGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HistoryGoneException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads up to {@code max} entries of a stream from sequence {@code from}; {@code changes}
   * holds the ones that carry changes originated in this region, {@code readCount} how many
   * entries were consumed and {@code next} where to go on. Completes with
   * {@link HistoryGoneException} when {@code from} is older than the oldest entry held, or
   * beyond the newest (the journal was lost).
   */
  CompletionStage<Slice> read(StreamId stream, long from, int max);

  /** The sequence the next entry of the stream will get (newest + 1). */
  CompletionStage<Long> tail(StreamId stream);

}
