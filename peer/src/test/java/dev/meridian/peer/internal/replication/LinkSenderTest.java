package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.wire.ChangeRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Regression tests of {@link LinkSender} found by the {@link ReplicationSimulation}. */
class LinkSenderTest {
  private static final StreamId STREAM = new StreamId(7, 0);

  /** A target whose epoch the test sets; sends to another epoch fail, as a real target's do. */
  private static class Target implements LinkTransport {
    long epoch = 1;
    final List<Long> repairedEpochs = new ArrayList<>();

    @Override
    public CompletionStage<Long> connect() {
      return CompletableFuture.completedFuture(epoch);
    }

    @Override
    public CompletionStage<Ack> send(long sentEpoch, List<ChangeRecord> records) {
      return sentEpoch == epoch ? CompletableFuture.completedFuture(new Ack(0, 0, 0))
          : CompletableFuture.failedFuture(new IllegalStateException("epoch " + epoch));
    }

    @Override
    public CompletionStage<Long> repair(long repairEpoch, StreamId stream) {
      repairedEpochs.add(repairEpoch);
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public void disconnect() {}
  }

  /** A stream with no changes at all, whose journal never wrapped. */
  private static class EmptySource implements ChangeSource {
    @Override
    public CompletionStage<Slice> read(StreamId stream, long from, int max) {
      return CompletableFuture.completedFuture(new Slice(List.of(), from, 0));
    }

    @Override
    public CompletionStage<Long> tail(StreamId stream) {
      return CompletableFuture.completedFuture(0L);
    }
  }

  private static final class MemoryPositions implements PositionStore {
    final Map<String, Long> map = new HashMap<>();

    @Override
    public CompletionStage<Long> load(String target, long epoch, StreamId stream) {
      return CompletableFuture.completedFuture(map.get(target + epoch + stream));
    }

    @Override
    public CompletionStage<Void> store(String target, long epoch, StreamId stream, long position) {
      map.merge(target + epoch + stream, position, Math::max);
      return CompletableFuture.completedFuture(null);
    }

  }

  @Test
  void aStreamWithoutPositionIsRepairedEvenWhenTheJournalIsWhole() {
    // Reading a whole journal ships only this region's writes; a target that restarted empty
    // also needs its own writes back from here, which only a repair ships.
    EventLoop loop = new EventLoop();
    Target target = new Target();
    LinkSender sender = sender(loop, target);
    sender.retain(Set.of(STREAM));
    loop.runUntil(() -> false, Long.MAX_VALUE);
    assertEquals(List.of(1L), target.repairedEpochs);
  }

  @Test
  void idleLinkNoticesATargetThatRestartedEmptyBehindAHalfOpenConnection() {
    EventLoop loop = new EventLoop();
    Target target = new Target();
    LinkSender sender = sender(loop, target);
    sender.retain(Set.of(STREAM));
    loop.runUntil(() -> false, Long.MAX_VALUE);

    // The target loses every peer and comes back empty while the link is cut, so no close
    // reaches this side and the transport still says it is connected. The link has nothing to
    // send: only the sweep's ping can notice.
    target.epoch = 2;
    sender.retain(Set.of(STREAM));
    loop.runUntil(() -> false, Long.MAX_VALUE);

    assertEquals(List.of(1L, 2L), target.repairedEpochs);
    boolean[] caughtUp = new boolean[1];
    sender.whenIdle(() -> caughtUp[0] = sender.caughtUp());
    loop.runUntil(() -> false, Long.MAX_VALUE);
    assertTrue(caughtUp[0]);
  }

  /** Runs what is due, then reads the sender's applied-through figure on its actor. */
  private static long appliedThrough(EventLoop loop, LinkSender sender) {
    loop.runUntil(() -> false, loop.now());
    long[] out = new long[1];
    sender.whenIdle(() -> out[0] = sender.shippedThroughMillis());
    loop.runUntil(() -> false, Long.MAX_VALUE);
    return out[0];
  }

  @Test
  void aSenderVouchesForNothingWhileItCatchesUpOnPartitionsItTookOver() {
    // Session consistency: a peer that takes over a partition from a dead one may find changes
    // there older than anything it vouched for; until it has shipped them, it must claim nothing.
    EventLoop loop = new EventLoop();
    List<CompletableFuture<Long>> slowRepairs = new ArrayList<>();
    Target target = new Target() {
      @Override
      public CompletionStage<Long> repair(long repairEpoch, StreamId stream) {
        if (stream.partition() == 0) {
          return super.repair(repairEpoch, stream);
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        slowRepairs.add(done);
        return done;
      }
    };
    LinkSender sender = sender(loop, target);
    sender.retain(Set.of(STREAM));
    loop.at(10_000, () -> { });
    loop.runUntil(() -> false, Long.MAX_VALUE);
    sender.retain(Set.of(STREAM));
    assertEquals(9_000, appliedThrough(loop, sender), "caught up at 10 s, less the 1 s margin");

    StreamId takenOver = new StreamId(STREAM.tableId(), 1);
    sender.retain(Set.of(STREAM, takenOver));
    assertEquals(0, appliedThrough(loop, sender), "vouches while partition 1 is unshipped");

    loop.at(12_000, () -> slowRepairs.forEach(f -> f.complete(0L)));
    loop.runUntil(() -> false, Long.MAX_VALUE);
    assertEquals(11_000, appliedThrough(loop, sender), "caught up again at 12 s");
  }

  @Test
  void changesCommittedBeforeTheStorageBeganAreReshippedNotLag() {
    // A region restarted empty gets its own rows back by backfill; its links ship them on with
    // their original commit times. They count as re-shipped and stay out of the lag.
    EventLoop loop = new EventLoop();
    loop.at(100_000, () -> { });
    loop.runUntil(() -> false, Long.MAX_VALUE);
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long committed = i < 3 ? 10_000 : 99_000;
      changes.add(new Change(new ChangeRecord(7, new byte[] {(byte) i}, new byte[] {1}),
          committed));
    }
    ChangeSource source = new EmptySource() {
      @Override
      public CompletionStage<Slice> read(StreamId stream, long from, int max) {
        int to = (int) Math.min(changes.size(), from + max);
        return CompletableFuture.completedFuture(
            new Slice(List.copyOf(changes.subList((int) from, to)), to, to - (int) from));
      }
    };
    Target target = new Target() {
      @Override
      public CompletionStage<Ack> send(long sentEpoch, List<ChangeRecord> records) {
        return CompletableFuture.completedFuture(new Ack(loop.now() + 20, 0, 0));
      }
    };
    LinkSender sender = new LinkSender("b", source, new MemoryPositions(), target,
        new LinkSender.Settings(4, 2, 1, 100), loop, (task, delay) -> loop.after(delay, task),
        loop::now);
    sender.reshippedBefore(50_000);
    sender.retain(Set.of(STREAM));
    loop.runUntil(() -> sender.stats().snapshot().recordsSent() == 5, Long.MAX_VALUE);

    LinkStats.Snapshot s = sender.stats().snapshot();
    assertEquals(5, s.recordsSent());
    assertEquals(3, s.reshipped());
    assertEquals(2, s.lagSamples());
    assertTrue(s.lagMaxMs() < 10_000, "lag of the fresh changes only: " + s.lagMaxMs());
  }

  private static LinkSender sender(EventLoop loop, Target target) {
    return new LinkSender("b", new EmptySource(), new MemoryPositions(), target,
        new LinkSender.Settings(4, 2, 1, 100), loop, (task, delay) -> loop.after(delay, task),
        loop::now);
  }
}
