package dev.meridian.peer.internal.replication;

import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.peer.internal.storage.Residency;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.net.PeerConnector;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.ChangeRecord;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A link's transport over a Netty channel to the link port of one peer of the target region
 * (the first that answers, in configured order). Connecting says hello, learns the target's
 * epoch and exchanges catalogs; batches are {@link Request.Replicate}; repair runs
 * {@link AntiEntropy} with the target's digests. An injected one-way latency, changeable at
 * any time, holds every message each way (a WAN on a laptop). Thread-safe.
 */
public final class NettyLinkTransport implements LinkTransport {
  /**
   * How long any call on a link may take before the link gives up on the connection: a target
   * that died behind a silent partition leaves it half open, and no close would ever come.
   */
  private static final long CALL_TIMEOUT_MS = 30_000;

  private final String localRegion;
  private final String target;
  private final List<InetSocketAddress> peers;
  private final TransportSettings settings;
  private final int batchSize;
  private final RegionReplica replica;
  private final Executor blocking;
  private final AtomicLong latencyMillis;
  private volatile PeerChannel channel;
  private volatile long epoch;

  /**
   * A transport to the link ports of {@code peers}.
   *
   * @param settings frame limit, deadlines and TLS (client certificate included) of the
   *     connections; the injected latency is this transport's own
   */
  public NettyLinkTransport(String localRegion, String target, List<InetSocketAddress> peers,
      long latencyMillis, TransportSettings settings, int batchSize, RegionReplica replica,
      Executor blocking) {
    this.localRegion = localRegion;
    this.target = target;
    this.peers = List.copyOf(peers);
    this.settings = settings;
    this.batchSize = batchSize;
    this.replica = replica;
    this.blocking = blocking;
    this.latencyMillis = new AtomicLong(latencyMillis);
  }

  /** Another transport to the same target with the same settings, on its own connection. */
  NettyLinkTransport twin() {
    return new NettyLinkTransport(localRegion, target, peers, latencyMillis.get(), settings,
        batchSize, replica, blocking);
  }

  /** The injected one-way latency in milliseconds. */
  public long latencyMillis() {
    return latencyMillis.get();
  }

  /** Changes the injected one-way latency; applies to messages sent from now on. */
  public void latencyMillis(long millis) {
    latencyMillis.set(Math.max(0, millis));
  }

  @Override
  public CompletionStage<Long> connect() {
    return CompletableFuture.supplyAsync(() -> {
      disconnect();
      List<String> failures = new ArrayList<>();
      for (InetSocketAddress address : peers) {
        try {
          PeerChannel ch = PeerConnector.connectOne(address,
              settings.withOneWayDelay(latencyMillis::get), PortRole.LINK,
              "meridian-link-" + localRegion);
          Response.LinkWelcome welcome =
              expect(call(ch, new Request.LinkHello(localRegion)).join(), Response.LinkWelcome.class);
          if (!welcome.region().equals(target)) {
            ch.close();
            failures.add(address + " serves region " + welcome.region() + ", not " + target);
            continue;
          }
          channel = ch;
          exchangeCatalog(ch);
          epoch = welcome.epoch();
          return welcome.epoch();
        } catch (RuntimeException e) {
          failures.add(address + ": " + e.getMessage());
        }
      }
      throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "no peer of " + target + " answered: " + String.join("; ", failures));
    }, blocking);
  }

  /** Sends this region's catalog and adopts the target's answer (blocking). */
  private void exchangeCatalog(PeerChannel ch) {
    List<Long> dropped = new ArrayList<>();
    List<TableSchema> tables = replica.tablesAndDropped(dropped);
    Response.CatalogState theirs = expect(call(ch,
        new Request.SyncCatalog(tables, dropped, replica.users())).join(),
        Response.CatalogState.class);
    replica.adoptCatalog(theirs.tables(), theirs.dropped());
    replica.adoptUsers(theirs.users());
  }

  /** Exchanges catalogs now if connected (after a local CREATE or DROP); never throws. */
  public void syncCatalogSoon() {
    PeerChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return;
    }
    CompletableFuture.runAsync(() -> exchangeCatalog(ch), blocking).exceptionally(e -> null);
  }

  @Override
  public CompletionStage<Ack> send(long epoch, List<ChangeRecord> records) {
    PeerChannel ch = channel;
    if (ch == null) {
      return CompletableFuture.failedFuture(new MeridianException(SqlState.CONNECTION_FAILURE,
          "link to " + target + " is not connected"));
    }
    return call(ch, new Request.Replicate(localRegion, epoch, records)).thenApply(r -> {
      Response.Replicated done = expect(r, Response.Replicated.class);
      return new Ack(done.appliedAtMillis(), done.conflicts(), done.skewEvents());
    });
  }

  /**
   * Stores records in the target now, over this link's connection when it is up (at the epoch
   * it connected with), else over a connection of its own; completes once applied there.
   */
  CompletionStage<Ack> sendNow(List<ChangeRecord> records) {
    if (isConnected()) {
      return send(epoch, records);
    }
    NettyLinkTransport own = twin();
    return own.connect().thenCompose(e -> own.send(e, records))
        .whenComplete((ack, error) -> own.disconnect());
  }

  @Override
  public boolean reportsProgress() {
    return true;
  }

  @Override
  public CompletionStage<Void> progress(long throughMillis, java.util.BitSet partitions) {
    PeerChannel ch = channel;
    if (ch == null) {
      return CompletableFuture.failedFuture(new MeridianException(SqlState.CONNECTION_FAILURE,
          "link to " + target + " is not connected"));
    }
    return call(ch, new Request.LinkProgress(localRegion, throughMillis, replica.partitionCount(),
        partitions.toLongArray())).thenApply(r -> {
          expect(r, Response.ProgressNoted.class);
          return null;
        });
  }

  @Override
  public CompletionStage<Long> repair(long epoch, StreamId stream) {
    return repairStream(epoch, stream).thenApply(AntiEntropy.Result::shipped);
  }

  /** Runs anti-entropy for one stream and says what it compared and shipped. */
  CompletionStage<AntiEntropy.Result> repairStream(long epoch, StreamId stream) {
    PeerChannel ch = channel;
    if (ch == null) {
      return CompletableFuture.failedFuture(new MeridianException(SqlState.CONNECTION_FAILURE,
          "link to " + target + " is not connected"));
    }
    AntiEntropy.Target remote = new AntiEntropy.Target() {
      @Override
      public CompletionStage<long[]> digest(StreamId s) {
        return call(ch, new Request.GetDigests(s.tableId(), List.of(s.partition()), localRegion))
            .thenApply(r -> {
              List<long[]> d = expect(r, Response.Digests.class).digests();
              return d.isEmpty() ? new long[0] : d.get(0);
            });
      }

      @Override
      public CompletionStage<Map<Long, Long>> rowHashes(StreamId s, List<Integer> buckets) {
        return call(ch, new Request.GetRowHashes(s.tableId(), s.partition(), buckets,
            localRegion))
            .thenApply(r -> {
              Response.RowHashes h = expect(r, Response.RowHashes.class);
              Map<Long, Long> out = new HashMap<>();
              for (int i = 0; i < h.keyHashes().length; i++) {
                out.put(h.keyHashes()[i], h.rowHashes()[i]);
              }
              return out;
            });
      }

      @Override
      public CompletionStage<?> ship(List<ChangeRecord> rows) {
        return send(epoch, rows);
      }
    };
    AntiEntropy.Rows local = s -> CompletableFuture.supplyAsync(
        () -> replica.scan(s.tableId(), s.partition()), blocking);
    // Only rows both regions may hold; the target scopes its digests the same way.
    return replica.table(stream.tableId()).thenCompose(schema -> AntiEntropy.repair(stream, local,
        remote, batchSize, Residency.scope(schema == null ? null : replica.residency().pin(schema),
            localRegion, target)));
  }

  @Override
  public boolean isConnected() {
    PeerChannel ch = channel;
    return ch != null && ch.isOpen();
  }

  /** Sends any request over the open link (for the backfill monitor); fails when not connected. */
  CompletionStage<Response> request(Request request) {
    PeerChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return CompletableFuture.failedFuture(new MeridianException(SqlState.CONNECTION_FAILURE,
          "link to " + target + " is not connected"));
    }
    return call(ch, request);
  }

  private static CompletableFuture<Response> call(PeerChannel ch, Request request) {
    return ch.call(request).orTimeout(CALL_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public void disconnect() {
    PeerChannel ch = channel;
    channel = null;
    if (ch != null) {
      ch.close();
    }
  }

  private <T extends Response> T expect(Response r, Class<T> type) {
    if (type.isInstance(r)) {
      return type.cast(r);
    }
    if (r instanceof Response.Error e) {
      throw new MeridianException(e.state(), target + " refused: " + e.message());
    }
    throw new MeridianException(SqlState.PROTOCOL_VIOLATION,
        target + " answered " + r.getClass().getSimpleName() + " where " + type.getSimpleName()
            + " was expected");
  }
}
