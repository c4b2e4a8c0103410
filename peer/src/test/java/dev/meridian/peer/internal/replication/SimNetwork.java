package dev.meridian.peer.internal.replication;

import dev.meridian.peer.internal.storage.Residency;

import dev.meridian.protocol.wire.ChangeRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The simulated network between regions: every {@link LinkTransport} call is a request and a
 * response, each delivered after its own delay (so calls overtake one another), and while the
 * network is faulty each may be lost (the call then times out) and a request may be delivered
 * twice. Cut links lose everything in the cut direction until healed. Not thread-safe.
 */
final class SimNetwork {
  static final long CALL_TIMEOUT_MILLIS = 2_000;

  /** A simulated failure: cheap (no stack trace) because runs fail calls by the thousand. */
  static final class Fault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fault(String message) {
      super(message, null, false, false);
    }
  }

  private final ReplicationSimulation sim;
  private final Set<String> cut = new HashSet<>();
  private final List<Transport> transports = new ArrayList<>();
  private boolean faulty = true;
  private long connections;
  private long epochs;
  private int inFlight;
  long lost;
  long duplicated;
  long slowed;
  long repairs;
  long rowsRepaired;

  SimNetwork(ReplicationSimulation sim) {
    this.sim = sim;
  }

  /** A new storage epoch, unique in the run. */
  long newEpoch() {
    return ++epochs;
  }

  /** Whether faults are still being injected. */
  boolean faulty() {
    return faulty;
  }

  /** Requests and responses on the wire. */
  int inFlight() {
    return inFlight;
  }

  /** Cuts the link {@code from -> to}. */
  void cut(SimRegion from, SimRegion to) {
    sim.trace("cut %s -> %s", from, to);
    cut.add(from.name + ">" + to.name);
  }

  /** Heals the link {@code from -> to}. */
  void heal(SimRegion from, SimRegion to) {
    if (cut.remove(from.name + ">" + to.name)) {
      sim.trace("heal %s -> %s", from, to);
    }
  }

  /** Heals every link and stops injecting faults. */
  void healAll() {
    cut.clear();
    faulty = false;
  }

  /** Whether a request from {@code from} to {@code to} and its answer can get through now. */
  boolean reachable(SimRegion from, SimRegion to) {
    return to.up() && !cut.contains(from.name + ">" + to.name)
        && !cut.contains(to.name + ">" + from.name);
  }

  private boolean lose(SimRegion from, SimRegion to) {
    if (cut.contains(from.name + ">" + to.name)
        || (faulty && sim.choices.percent(sim.dropPercent))) {
      lost++;
      return true;
    }
    return false;
  }

  long latency() {
    if (faulty && sim.choices.percent(sim.slowPercent)) {
      slowed++;
      return sim.choices.between(200, 2_500);
    }
    return sim.choices.between(1, 60);
  }

  /** A transport for a link from a peer of {@code from} (its current incarnation) to {@code to}. */
  LinkTransport transport(SimRegion from, SimRegion to) {
    Transport t = new Transport(from, to);
    transports.add(t);
    return t;
  }

  /**
   * A peer of {@code region} died: connections into the region close, as far as their senders
   * can tell. Across a cut link the close never arrives, and the connection stays half open.
   */
  void peerDied(SimRegion region) {
    for (Transport t : transports) {
      if (t.to == region && t.connection != 0 && !cut.contains(region.name + ">" + t.from.name)) {
        t.closed = true;
      }
    }
  }

  /** One peer's transport to one target region. */
  private final class Transport implements LinkTransport {
    private final SimRegion from;
    private final int fromIncarnation;
    private final SimRegion to;
    private long connection;
    /** The target closed the connection (a closed channel in Netty). */
    private boolean closed;
    private final Set<CompletableFuture<?>> pending = new LinkedHashSet<>();

    Transport(SimRegion from, SimRegion to) {
      this.from = from;
      this.fromIncarnation = from.incarnation;
      this.to = to;
    }

    @Override
    public CompletionStage<Long> connect() {
      connection = ++connections;
      closed = false;
      return call("connect", target -> {
        // The connect exchanges catalogs, as NettyLinkTransport does before any batch.
        from.exchangeCatalogs(target);
        return target.epoch;
      });
    }

    @Override
    public CompletionStage<Ack> send(long epoch, List<ChangeRecord> records) {
      List<ChangeRecord> copy = List.copyOf(records);
      return call("send " + copy.size(), target -> {
        target.checkEpoch(epoch);
        return target.apply(copy);
      });
    }

    @Override
    public CompletionStage<Long> repair(long epoch, StreamId stream) {
      repairs++;
      AntiEntropy.Target target = new AntiEntropy.Target() {
        @Override
        public CompletionStage<long[]> digest(StreamId s) {
          return call("digest " + s, t -> {
            t.checkEpoch(epoch);
            return AntiEntropy.digest(t.rowsOf(s), t.repairScope(s.tableId(), from));
          });
        }

        @Override
        public CompletionStage<Map<Long, Long>> rowHashes(StreamId s, List<Integer> buckets) {
          List<Integer> copy = List.copyOf(buckets);
          return call("row hashes " + s, t -> {
            t.checkEpoch(epoch);
            return AntiEntropy.rowHashes(t.rowsOf(s), copy, t.repairScope(s.tableId(), from));
          });
        }

        @Override
        public CompletionStage<?> ship(List<ChangeRecord> rows) {
          List<ChangeRecord> copy = List.copyOf(rows);
          return call("ship " + copy.size(), t -> {
            t.checkEpoch(epoch);
            rowsRepaired += copy.size();
            return t.apply(copy);
          });
        }
      };
      return AntiEntropy.repair(stream, from::readRows, target, sim.repairBatch,
          Residency.scope(from.pin(stream.tableId()), from.name, to.name))
          .thenApply(AntiEntropy.Result::shipped);
    }

    @Override
    public boolean isConnected() {
      return connection != 0 && !closed;
    }

    @Override
    public void disconnect() {
      connection = 0;
      for (CompletableFuture<?> f : new ArrayList<>(pending)) {
        sim.loop.execute(() -> f.completeExceptionally(new Fault("disconnected")));
      }
    }

    /**
     * One call on the current connection: the request travels, the target handles it, the
     * response travels back. The call fails at once without a connection, after the timeout
     * when a message is lost, and when the connection is dropped meanwhile.
     */
    private <T> CompletableFuture<T> call(String what, Function<SimRegion, T> handler) {
      CompletableFuture<T> f = new CompletableFuture<>();
      long conn = connection;
      if (conn == 0 || closed) {
        sim.loop.execute(() -> f.completeExceptionally(new Fault("not connected")));
        return f;
      }
      pending.add(f);
      f.whenComplete((v, e) -> pending.remove(f));
      sim.loop.after(CALL_TIMEOUT_MILLIS,
          () -> f.completeExceptionally(new Fault(what + " timed out")));
      deliver(what, handler, f, conn);
      return f;
    }

    private <T> void deliver(String what, Function<SimRegion, T> handler, CompletableFuture<T> f,
        long conn) {
      inFlight++;
      sim.loop.after(latency(), () -> {
        inFlight--;
        // Requests from a region that lost every peer died with it.
        if (from.incarnation != fromIncarnation || lose(from, to) || !to.up()) {
          return;
        }
        if (faulty && sim.choices.percent(sim.duplicatePercent)) {
          duplicated++;
          deliver(what, handler, new CompletableFuture<>(), conn);
        }
        T result = null;
        Throwable error = null;
        try {
          result = handler.apply(to);
        } catch (RuntimeException e) {
          error = e;
        }
        sim.trace("%s -> %s %s%s", from, to, what, error == null ? "" : ": " + error.getMessage());
        T value = result;
        Throwable failure = error;
        inFlight++;
        sim.loop.after(latency(), () -> {
          inFlight--;
          if (lose(to, from) || connection != conn) {
            return;
          }
          if (failure != null) {
            f.completeExceptionally(failure);
          } else {
            f.complete(value);
          }
        });
      });
    }
  }
}
