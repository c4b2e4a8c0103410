package dev.meridian.peer.internal.replication;

import java.util.concurrent.CompletionStage;

/**
 * Where links keep how far each target has acknowledged each stream, inside the sending
 * region (a backed-up Hazelcast map in a peer), so a sender's death repeats at most the batches
 * in flight. Positions are per target storage epoch: a target that restarted empty starts over.
 * Thread-safe.
 */
public interface PositionStore {

  /** The acknowledged position, or null when none is stored. */
  CompletionStage<Long> load(String target, long epoch, StreamId stream);

  /** Stores a position. */
  CompletionStage<Void> store(String target, long epoch, StreamId stream, long position);

  /**
   * The first epoch this region saw of the target, recording {@code epoch} as such when there
   * is none yet (completes with null then). Another epoch than the first means the target
   * restarted empty at least once, which every sender of the region must know, also one that
   * was not running at the time. The default remembers nothing.
   */
  default CompletionStage<Long> firstEpoch(String target, long epoch) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }
}
