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

}
