package dev.meridian.peer.internal.replication;

import dev.meridian.protocol.wire.ChangeRecord;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A link's channel to its target region: Netty to a peer of the target in production,
 * simulated queues in the replication simulation. Every call may fail (in the stage); the
 * sender then reconnects. Thread-safe.
 */
public interface LinkTransport {

  /** What the target answered to a batch. */
  record Ack(long appliedAtMillis, int conflicts, int skewEvents) {}

  /** Opens the link (handshake and catalog exchange); completes with the target's epoch. */
  CompletionStage<Long> connect();

  /** Ships a batch to a target of the given epoch; completes once it is applied there. */
  CompletionStage<Ack> send(long epoch, List<ChangeRecord> records);

  /**
   * Brings the target's copy of one stream's partition up to date with this region's by
   * anti-entropy; completes with the number of rows shipped.
   */
  CompletionStage<Long> repair(long epoch, StreamId stream);

  /** Whether {@link #progress} carries reports (the sender then reports while caught up). */
  default boolean reportsProgress() {
    return false;
  }

  /**
   * Reports that the target has applied every change of the given partitions that this peer's
   * region made before {@code throughMillis} (session consistency; see {@link AppliedThrough}).
   * The default, for transports that do not carry it, reports nothing.
   */
  default CompletionStage<Void> progress(long throughMillis, java.util.BitSet partitions) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /**
   * Whether the connection opened by {@link #connect()} still stands; an idle link checks it
   * at every sweep, so it notices a target that restarted (and has a new epoch) without having
   * to send anything first.
   */
  default boolean isConnected() {
    return true;
  }

  /** Drops the connection; later calls reconnect through {@link #connect()}. */
  void disconnect();
}
