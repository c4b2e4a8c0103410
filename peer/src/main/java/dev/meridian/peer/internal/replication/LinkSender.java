package dev.meridian.peer.internal.replication;

import dev.meridian.protocol.wire.ChangeRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending end of one link (this region to one target region) for the streams this peer
 * owns: reads each stream's changes from where the target acknowledged them, ships them in
 * batches, and stores the new position once the target has applied them.
 *
 * <h2>Per stream</h2>
 * A stream first loads its acknowledged position from the {@link PositionStore}. None stored
 * (a new stream, a new target, or a target that restarted empty and so has a new epoch) means
 * the history the target needs is unknown, and so does a position the {@link ChangeSource}
 * no longer holds. For a new stream or target whose journal still holds the stream from its
 * first entry, reading it all from there gives the target every change this region made. A
 * target this link knew under another epoch restarted empty and lost rows of every origin,
 * its own included, which no journal ships (each ships its own region's writes only), so
 * such a stream, and one whose history is gone, is <em>repaired</em> (anti-entropy of its
 * partition through {@link LinkTransport#repair}) and continues from the journal's tail taken
 * before the repair started. Changes written meanwhile are in the journal after that tail, and merge is
 * idempotent, so nothing falls between the two.
 *
 * <h2>Batches</h2>
 * A change signal waits {@code lingerMillis} for others; then one round reads every stream
 * marked dirty (at most {@code batchSize} entries each, all reads at once), packs
 * what it read into frames of at most {@code batchSize} records and sends them; up to
 * {@code maxInFlight} frames are unacknowledged at once, so a long round trip does not hold
 * back the next batch. Frames are acknowledged to the store strictly in send order (a later
 * frame's acknowledgement waits for the earlier ones), so a stored position never covers a
 * change that was not applied. A failed call drops the connection: every stream goes back to
 * its acknowledged position and the link reconnects after {@code retryDelayMillis}. So at most
 * the frames in flight are sent twice, and merge makes the repeat harmless.
 *
 * <h2>Threads</h2>
 * All state is confined to {@code actor}, which must run tasks one at a time in submission order
 * (a single thread in a peer, the simulator's event loop in tests); completions of the
 * collaborators' stages hop back onto it. Public methods may be called from any thread.
 */
public final class LinkSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkSender.class);
  /** How often a caught-up link reports its progress (and least advance between reports). */
  static final long REPORT_EVERY_MILLIS = 200;

  /** Schedules a task on the actor after a delay. */
  @FunctionalInterface
  public interface Scheduler {
    void schedule(Runnable task, long delayMillis);
  }

  /**
   * Tuning of a link.
   *
   * @param batchSize most records per frame, and most journal entries per stream read
   * @param maxInFlight most unacknowledged frames
   * @param maxRepairs most streams repaired at once
   * @param retryDelayMillis wait before reconnecting after a failure
   * @param lingerMillis how long a change signal waits for others before a round starts (the
   *     time knob of batching: 0 starts at once, a millisecond or two turns many one-record
   *     frames into few larger ones under load)
   */
  public record Settings(int batchSize, int maxInFlight, int maxRepairs, long retryDelayMillis,
      long lingerMillis) {
    /** Defaults tuned for low lag: small frames, many in flight, a short linger. */
    public static final Settings DEFAULTS = new Settings(512, 32, 16, 500, 1);

    public Settings {
      if (batchSize < 1 || maxInFlight < 1 || maxRepairs < 1 || retryDelayMillis < 0
          || lingerMillis < 0) {
        throw new IllegalArgumentException("bad link settings " + batchSize + "/" + maxInFlight
            + "/" + maxRepairs + "/" + retryDelayMillis + "/" + lingerMillis);
      }
    }

    /** Settings without linger. */
    public Settings(int batchSize, int maxInFlight, int maxRepairs, long retryDelayMillis) {
      this(batchSize, maxInFlight, maxRepairs, retryDelayMillis, 0);
    }
  }

  private static final class Stream {
    final StreamId id;
    boolean known;
    boolean needsRepair;
    boolean busy;
    boolean dirty = true;
    long acked;
    long readFrom;

    Stream(StreamId id) {
      this.id = id;
    }
  }

  private static final class Frame {
    final List<Change> changes;
    final Map<StreamId, Long> positions;
    boolean done;
    LinkTransport.Ack ack;

    Frame(List<Change> changes, Map<StreamId, Long> positions) {
      this.changes = changes;
      this.positions = positions;
    }
  }

  private final String target;
  private final ChangeSource source;
  private final PositionStore positions;
  private final LinkTransport transport;
  private final Settings settings;
  private final Executor actor;
  private final Scheduler scheduler;
  private final LongSupplier nowMillis;
  private final LinkStats stats;

  private final Map<StreamId, Stream> streams = new LinkedHashMap<>();
  private final Set<StreamId> signalled = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicBoolean signalPending =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final Deque<Frame> inFlight = new ArrayDeque<>();
  private List<Change> outgoing = new ArrayList<>();
  private Map<StreamId, Long> outgoingPositions = new LinkedHashMap<>();
  private int readsOutstanding;
  private int repairsRunning;
  private long generation;
  private long epoch;
  private boolean connected;
  private boolean connecting;
  private boolean paused;
  private boolean closed;
  private boolean pumpScheduled;
  private boolean retryScheduled;
  // The time through which the target holds every change of the partitions this peer owns
  // (written on the actor, read anywhere); back to 0 whenever that claim would cover changes
  // this peer has not shipped (it took over partitions, the target restarted empty).
  private java.util.BitSet ownedPartitions = new java.util.BitSet();
  private volatile long appliedThrough;
  private volatile long reshippedBefore;
  private long reportedThrough;
  private boolean reporting;
  private boolean progressWakeScheduled;

  public LinkSender(String target, ChangeSource source, PositionStore positions,
      LinkTransport transport, Settings settings, Executor actor, Scheduler scheduler,
      LongSupplier nowMillis) {
    this.target = target;
    this.source = source;
    this.positions = positions;
    this.transport = transport;
    this.settings = settings;
    this.actor = actor;
    this.scheduler = scheduler;
    this.nowMillis = nowMillis;
    this.stats = new LinkStats(nowMillis);
  }

  /** The target region. */
  public String target() {
    return target;
  }

  /** The link's figures. */
  public LinkStats stats() {
    return stats;
  }

  /**
   * Says that changes committed before {@code millis} are re-shipments: this region's storage
   * was created at that time (it restarted empty), so a change of its own committed earlier can
   * only have come back to it by backfill or repair. Such changes still go to the target, but
   * count as re-shipped instead of as lag. 0 (the default) treats every change as new.
   */
  public void reshippedBefore(long millis) {
    reshippedBefore = millis;
  }

  /**
   * Says a stream has new entries (or may have): it is read in the next round, which starts
   * after the linger. Cheap and non-blocking (called on partition threads for every local
   * write): signals gather in a set and one task drains them.
   */
  public void changed(StreamId stream) {
    signalled.add(stream);
    if (signalPending.compareAndSet(false, true)) {
      if (settings.lingerMillis() > 0) {
        scheduler.schedule(this::drainSignals, settings.lingerMillis());
      } else {
        actor.execute(this::drainSignals);
      }
    }
  }

  private void drainSignals() {
    signalPending.set(false);
    for (java.util.Iterator<StreamId> it = signalled.iterator(); it.hasNext(); ) {
      StreamId id = it.next();
      it.remove();
      streams.computeIfAbsent(id, Stream::new).dirty = true;
    }
    wake();
  }

  /**
   * Sets the streams this peer ships: new ones start (loading their position, then reading),
   * others are forgotten (their partition moved to another peer of the region, which takes
   * them over from the stored positions).
   */
  public void retain(Set<StreamId> owned) {
    Set<StreamId> copy = new HashSet<>(owned);
    actor.execute(() -> {
      java.util.BitSet partitions = new java.util.BitSet();
      for (StreamId id : copy) {
        partitions.set(id.partition());
      }
      java.util.BitSet gained = (java.util.BitSet) partitions.clone();
      gained.andNot(ownedPartitions);
      if (!gained.isEmpty()) {
        // Partitions taken over from another peer may hold changes it never shipped, older
        // than anything this peer could vouch for: claim nothing until caught up again.
        appliedThrough = 0;
      }
      ownedPartitions = partitions;
      streams.keySet().removeIf(id -> !copy.contains(id));
      for (StreamId id : copy) {
        streams.computeIfAbsent(id, Stream::new);
      }
      // Also a heartbeat: the pump notices a connection that closed while the link was idle,
      // and an idle link pings its target, which notices what no close reports: a connection
      // left half open by a target that died behind a cut link and restarted under a new epoch.
      wake();
      if (connected && !paused && inFlight.isEmpty() && readsOutstanding == 0
          && outgoing.isEmpty()) {
        ping();
      }
    });
  }

  /** An empty batch: fails (and so reconnects) when the target is gone or has a new epoch. */
  private void ping() {
    long gen = generation;
    on(transport.send(epoch, List.of()), (ack, error) -> {
      if (gen == generation && error != null) {
        fail("heartbeat to " + target + " failed", error);
      }
    });
  }

  /** Stops shipping and drops the connection until {@link #resume()}. */
  public void pause() {
    actor.execute(() -> {
      paused = true;
      dropConnection("paused");
    });
  }

  /** Undoes {@link #pause()}. */
  public void resume() {
    actor.execute(() -> {
      paused = false;
      stats.state("connecting");
      wake();
    });
  }

  /** Runs a check on the actor once every earlier task has run (for tests and waits). */
  public void whenIdle(Runnable task) {
    actor.execute(task);
  }

  /**
   * Whether the link is connected, every stream known and read up to what was last signalled,
   * and nothing is in flight: the target holds every change this peer has been told of.
   * Must be called on the actor (see {@link #whenIdle}).
   */
  public boolean caughtUp() {
    if (!connected || paused || !inFlight.isEmpty() || readsOutstanding > 0
        || repairsRunning > 0 || !outgoing.isEmpty()) {
      return false;
    }
    for (Stream s : streams.values()) {
      if (s.dirty || s.busy || !s.known || s.needsRepair) {
        return false;
      }
    }
    return true;
  }

  /**
   * The acknowledged position of every stream whose position is known. Must be called on the
   * actor (see {@link #whenIdle}).
   */
  public Map<StreamId, Long> ackedPositions() {
    Map<StreamId, Long> out = new LinkedHashMap<>();
    for (Stream s : streams.values()) {
      if (s.known && !s.needsRepair) {
        out.put(s.id, s.acked);
      }
    }
    return out;
  }

  /**
   * A time before which every change of this peer's partitions has been applied by the target:
   * the last moment it was caught up with no change signal pending, less the linger and a
   * second for a write between taking its stamp and signalling; 0 until it first catches up,
   * and again after it takes over partitions or the target restarts empty, until it has caught
   * up on them. Tombstone purging and session consistency wait for it. Any thread.
   */
  public long shippedThroughMillis() {
    return appliedThrough;
  }

  @Override
  public void close() {
    actor.execute(() -> {
      closed = true;
      dropConnection("closed");
    });
  }

  private void wake() {
    if (!pumpScheduled && !closed) {
      pumpScheduled = true;
      actor.execute(this::pump);
    }
  }

  private void pump() {
    pumpScheduled = false;
    if (closed || paused) {
      return;
    }
    if (!connected) {
      connect();
      return;
    }
    if (!transport.isConnected()) {
      fail("connection lost", new IllegalStateException("the transport closed"));
      return;
    }
    int pending = 0;
    // Reads go in rounds: a new round starts only when the last one's reads are all back and
    // flushed, so a steady trickle of changes cannot keep a partly filled frame waiting.
    boolean newRound = readsOutstanding == 0;
    for (Stream s : streams.values()) {
      if (s.needsRepair || !s.known) {
        pending++;
      }
      if (!s.dirty || s.busy) {
        continue;
      }
      if (!s.known) {
        load(s);
      } else if (s.needsRepair) {
        if (repairsRunning < settings.maxRepairs()) {
          repair(s);
        }
      } else if (newRound && inFlight.size() < settings.maxInFlight()) {
        read(s);
      }
    }
    stats.repairsPending(pending);
    flushIfReady();
    if (caughtUp()) {
      long now = nowMillis.getAsLong();
      if (signalled.isEmpty() && !signalPending.get()) {
        // A write takes its stamp and signals within one partition operation; the margin
        // allows a second between the two.
        appliedThrough = Math.max(appliedThrough, now - settings.lingerMillis() - 1000);
      }
      if (transport.reportsProgress()) {
        reportProgress();
      }
      if (transport.reportsProgress() && !progressWakeScheduled) {
        // An idle link looks again soon, so its figure keeps advancing: the target's figure
        // for this region is the least over every peer's partitions, and one idle peer's
        // stale figure would hold back session reads of every other peer's writes.
        progressWakeScheduled = true;
        scheduler.schedule(() -> {
          progressWakeScheduled = false;
          wake();
        }, REPORT_EVERY_MILLIS);
      }
    }
  }

  /**
   * Tells the target how far it has applied this peer's partitions, about every
   * {@value #REPORT_EVERY_MILLIS} ms while caught up; one report in flight at a time.
   */
  private void reportProgress() {
    if (reporting || !connected || ownedPartitions.isEmpty()
        || appliedThrough - reportedThrough < REPORT_EVERY_MILLIS) {
      return;
    }
    reporting = true;
    long through = appliedThrough;
    long gen = generation;
    on(transport.progress(through, (java.util.BitSet) ownedPartitions.clone()), (ok, error) -> {
      reporting = false;
      if (gen != generation) {
        return;
      }
      if (error == null) {
        reportedThrough = Math.max(reportedThrough, through);
      } else {
        LOG.debug("link to {}: progress report failed: {}", target, unwrap(error).toString());
      }
    });
  }

  private void connect() {
    if (connecting || retryScheduled) {
      return;
    }
    connecting = true;
    long gen = generation;
    on(transport.connect(), (newEpoch, error) -> {
      connecting = false;
      if (gen != generation || closed || paused) {
        return;
      }
      if (error != null) {
        LOG.debug("link to {} could not connect: {}", target, error.toString());
        stats.state("down");
        retryLater();
        return;
      }
      if (newEpoch == epoch) {
        up();
        return;
      }
      // A new target incarnation: every position refers to the old one, and it holds nothing
      // this sender ever reported as applied.
      appliedThrough = 0;
      reportedThrough = 0;
      for (Stream st : streams.values()) {
        st.known = false;
        st.needsRepair = false;
      }
      epoch = newEpoch;
      stats.targetEpoch(newEpoch);
      up();
    });
  }

  private void up() {
    connected = true;
    generation++;
    stats.state("up");
    for (Stream s : streams.values()) {
      s.dirty = true;
    }
    wake();
  }

  private void load(Stream s) {
    s.busy = true;
    long gen = generation;
    on(positions.load(target, epoch, s.id), (position, error) -> {
      if (gen != generation) {
        return;
      }
      s.busy = false;
      if (error != null) {
        fail("position load failed", error);
        return;
      }
      if (position != null) {
        s.known = true;
        s.acked = position;
        s.readFrom = position;
        wake();
        return;
      }
      // No position: repair. Reading even a whole journal would ship only what this region's
      // writes made, but a target that restarted empty also needs back its own writes (and
      // those of regions that restarted empty before) that survive only here; anti-entropy
      // ships whole rows, and costs nothing where this side holds no rows (a new table).
      s.known = true;
      s.needsRepair = true;
      wake();
    });
  }

  private void repair(Stream s) {
    s.busy = true;
    s.dirty = false;
    repairsRunning++;
    long gen = generation;
    long repairEpoch = epoch;
    on(source.tail(s.id).thenCompose(tail -> transport.repair(repairEpoch, s.id)
        .thenApply(rows -> new long[] {tail, rows})), (result, error) -> {
          if (gen != generation) {
            return;
          }
          repairsRunning--;
          s.busy = false;
          s.dirty = true;
          if (error != null) {
            fail("repair of " + s.id + " failed", error);
            return;
          }
          s.needsRepair = false;
          s.acked = Math.max(s.acked, result[0]);
          s.readFrom = Math.max(s.readFrom, result[0]);
          stats.repaired(result[1]);
          positions.store(target, repairEpoch, s.id, result[0]);
          wake();
        });
  }

  private void read(Stream s) {
    s.busy = true;
    s.dirty = false;
    readsOutstanding++;
    long gen = generation;
    on(source.read(s.id, s.readFrom, settings.batchSize()), (slice, error) -> {
      if (gen != generation) {
        return;
      }
      readsOutstanding--;
      s.busy = false;
      if (error != null) {
        s.dirty = true;
        if (unwrap(error) instanceof ChangeSource.HistoryGoneException) {
          LOG.info("link to {}: history of stream {} from {} is gone; repairing", target, s.id,
              s.readFrom);
          s.needsRepair = true;
        } else {
          fail("reading stream " + s.id + " failed", error);
          return;
        }
      } else {
        s.readFrom = slice.next();
        if (slice.readCount() >= settings.batchSize()) {
          s.dirty = true;
        }
        for (Change c : slice.changes()) {
          // Residency: a pinned row goes only where it may live (or its tombstone where it
          // lived); the position still moves past what is withheld.
          ChangeRecord r = c.forTarget(target);
          if (r == c.record()) {
            outgoing.add(c);
          } else if (r != null) {
            outgoing.add(new Change(r, c.commitMillis()));
          }
        }
        outgoingPositions.put(s.id, slice.next());
      }
      wake();
    });
  }

  private void flushIfReady() {
    if (outgoingPositions.isEmpty()
        || (readsOutstanding > 0 && outgoing.size() < settings.batchSize())) {
      return;
    }
    List<Change> changes = outgoing;
    Map<StreamId, Long> done = outgoingPositions;
    outgoing = new ArrayList<>();
    outgoingPositions = new LinkedHashMap<>();
    // Frames of at most batchSize records; the positions ride on the last one.
    for (int from = 0; from < changes.size() || from == 0; from += settings.batchSize()) {
      int to = Math.min(changes.size(), from + settings.batchSize());
      boolean last = to >= changes.size();
      send(new Frame(changes.subList(from, to), last ? done : Map.of()));
      if (last) {
        break;
      }
    }
    stats.unacknowledged(unacknowledged());
  }

  private void send(Frame frame) {
    inFlight.addLast(frame);
    if (frame.changes.isEmpty()) {
      frame.done = true;
      completeInOrder();
      return;
    }
    List<ChangeRecord> records = new ArrayList<>(frame.changes.size());
    for (Change c : frame.changes) {
      records.add(c.record());
    }
    long gen = generation;
    on(transport.send(epoch, records), (ack, error) -> {
      if (gen != generation) {
        return;
      }
      if (error != null) {
        fail("batch to " + target + " failed", error);
        return;
      }
      frame.ack = ack;
      frame.done = true;
      completeInOrder();
      wake();
    });
  }

  private void completeInOrder() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      Frame f = inFlight.removeFirst();
      if (f.ack != null) {
        long before = reshippedBefore;
        int reshipped = 0;
        for (Change c : f.changes) {
          if (c.commitMillis() < before) {
            reshipped++;
          } else {
            stats.recordLag(f.ack.appliedAtMillis() - c.commitMillis());
          }
        }
        stats.reshipped(reshipped);
        stats.applied(f.changes.size(), f.ack.appliedAtMillis(), f.ack.conflicts());
        stats.skew(f.ack.skewEvents());
      }
      for (Map.Entry<StreamId, Long> e : f.positions.entrySet()) {
        Stream s = streams.get(e.getKey());
        if (s != null && e.getValue() > s.acked) {
          s.acked = e.getValue();
        }
        positions.store(target, epoch, e.getKey(), e.getValue());
      }
    }
    stats.unacknowledged(unacknowledged());
  }

  private long unacknowledged() {
    long n = outgoing.size();
    for (Frame f : inFlight) {
      n += f.changes.size();
    }
    return n;
  }

  private void fail(String what, Throwable error) {
    LOG.info("link to {}: {}: {}", target, what, unwrap(error).toString());
    dropConnection("down");
    retryLater();
  }

  private void dropConnection(String state) {
    boolean wasConnected = connected || connecting;
    connected = false;
    connecting = false;
    generation++;
    inFlight.clear();
    outgoing = new ArrayList<>();
    outgoingPositions = new LinkedHashMap<>();
    readsOutstanding = 0;
    repairsRunning = 0;
    for (Stream s : streams.values()) {
      s.busy = false;
      s.dirty = true;
      s.readFrom = s.acked;
    }
    stats.state(state);
    stats.unacknowledged(0);
    if (wasConnected) {
      transport.disconnect();
    }
  }

  private void retryLater() {
    if (retryScheduled || closed) {
      return;
    }
    retryScheduled = true;
    scheduler.schedule(() -> {
      retryScheduled = false;
      wake();
    }, settings.retryDelayMillis());
  }

  /** Continues a collaborator's stage on the actor. */
  private <T> void on(CompletionStage<T> stage, java.util.function.BiConsumer<T, Throwable> then) {
    stage.whenComplete((value, error) -> actor.execute(() -> then.accept(value, error)));
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** For diagnostics. */
  @Override
  public String toString() {
    return "link to " + target + " (" + streams.size() + " streams)";
  }
}
