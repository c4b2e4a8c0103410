package dev.meridian.peer.internal.replication;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.meridian.peer.api.PeerConfig;
import dev.meridian.peer.api.RequestHandler;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.server.PeerTransports;
import dev.meridian.peer.internal.storage.ConflictLog;
import dev.meridian.peer.internal.storage.LocalPartitions;
import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.peer.internal.storage.TombstonePurge;
import dev.meridian.protocol.auth.Privilege;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.TransportSettings;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.PortRole;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication on one peer: a {@link LinkSender} per other region for the streams whose
 * partitions this peer owns, the {@link LinkReceiver} for links into the region, the system
 * tables, the links' MBeans and the operator's controls (pause, resume, latency, repair).
 *
 * <p>Every two seconds a sweep hands each sender the streams this peer now owns (tables times
 * its primary partitions) and measures backlogs; every second this peer's link figures are
 * published to the region map {@value #STATS_MAP}, so any peer of the region can show all
 * of them. All senders of the peer share one actor thread. Thread-safe.
 */
public final class Replicator implements RequestHandler, AutoCloseable {
  /** The region map of published link figures, per peer and link. */
  public static final String STATS_MAP = "meridian.link-stats";

  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
  private static final long SWEEP_MS = 2_000;
  private static final long PUBLISH_MS = 1_000;
  private static final long STALE_STATS_MS = 10_000;
  private static final long BACKFILL_CHECK_MS = 250;
  private static final String BACKFILLING_KEY = "backfilling";
  /** Streams a repair compares at a time. */
  private static final int REPAIR_WINDOW = 32;

  private final PeerConfig config;
  private final HazelcastInstance hazelcast;
  private final RegionReplica replica;
  private final HybridClock clock;
  private final ChangeNotifier notifier;
  private final ScheduledExecutorService actor;
  private final ExecutorService blocking;
  private final JournalSource source;
  private final LinkReceiver receiver;
  private final AppliedThrough appliedThrough;
  private final ScheduledExecutorService sessionTimer;
  private final Map<String, LinkSender> senders = new LinkedHashMap<>();
  private final Map<String, NettyLinkTransport> transports = new LinkedHashMap<>();
  private final Map<String, Long> backlogs = new java.util.concurrent.ConcurrentHashMap<>();
  private final IMap<String, long[]> published;
  private final ConflictLogTable conflicts;
  private final List<ObjectName> mbeans = new ArrayList<>();
  private final java.util.function.Consumer<StreamId> onChange;
  private volatile boolean closed;
  private volatile boolean serving = true;
  private volatile String backfillStatus = "";
  private volatile SurvivorReconcile survivors;
  private final long startedAt = System.currentTimeMillis();

  private Replicator(PeerConfig config, HazelcastInstance hazelcast, RegionReplica replica,
      HybridClock clock, ChangeNotifier notifier) {
    this.config = config;
    this.hazelcast = hazelcast;
    this.replica = replica;
    this.clock = clock;
    this.notifier = notifier;
    this.actor = Executors.newSingleThreadScheduledExecutor(threads("link-" + config.name()));
    this.blocking = Executors.newFixedThreadPool(4, threads("link-io-" + config.name()));
    this.source = new JournalSource(hazelcast, clock.regionId(), replica);
    this.receiver = new LinkReceiver(config.region(), replica, blocking, System::currentTimeMillis);
    this.sessionTimer = Executors.newSingleThreadScheduledExecutor(
        threads("session-" + config.name()));
    this.appliedThrough = new AppliedThrough(config.region(),
        hazelcast.getMap(AppliedThrough.MAP_NAME), replica.partitionCount(), sessionTimer,
        System::currentTimeMillis);
    this.published = hazelcast.getMap(STATS_MAP);
    List<String> regions = new ArrayList<>(config.remoteRegions().keySet());
    regions.add(config.region());
    this.conflicts = new ConflictLogTable(config.region(), regions, hazelcast,
        (ConflictLog) hazelcast.getUserContext().get(ConflictLog.CONTEXT_KEY),
        config.conflictLogMaxAgeMs(), replica::tables);
    this.onChange = stream -> senders.values().forEach(s -> s.changed(stream));
  }

  /** Starts the links to every configured region. */
  public static Replicator start(PeerConfig config, HazelcastInstance hazelcast,
      RegionReplica replica, HybridClock clock, ChangeNotifier notifier) {
    Replicator r = new Replicator(config, hazelcast, replica, clock, notifier);
    r.begin();
    return r;
  }

  private void begin() {
    HazelcastPositions positions = new HazelcastPositions(hazelcast);
    LinkSender.Settings settings = new LinkSender.Settings(config.linkBatchSize(),
        config.linkMaxInFlight(), LinkSender.Settings.DEFAULTS.maxRepairs(),
        LinkSender.Settings.DEFAULTS.retryDelayMillis(), config.linkLingerMs());
    TransportSettings linkSettings = PeerTransports.linkClient(config);
    for (Map.Entry<String, List<String>> e : config.remoteRegions().entrySet()) {
      String target = e.getKey();
      List<InetSocketAddress> peers = new ArrayList<>();
      for (String address : e.getValue()) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        peers.add(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))));
      }
      NettyLinkTransport transport = new NettyLinkTransport(config.region(), target,
          peers, config.wanLatencyMs().getOrDefault(target, 0L), linkSettings,
          config.linkBatchSize(), replica, blocking);
      LinkSender sender = new LinkSender(target, source, positions, transport, settings,
          actor, (task, delay) -> actor.schedule(task, delay, TimeUnit.MILLISECONDS),
          System::currentTimeMillis);
      sender.reshippedBefore(replica.epochStartedMillis());
      transports.put(target, transport);
      senders.put(target, sender);
      registerMBean(target, sender, transport);
    }
    if (senders.isEmpty()) {
      return;
    }
    IMap<String, Long> facts = replica.regionFacts();
    if (replica.createdEpoch()) {
      facts.set(BACKFILLING_KEY, startedAt);
    }
    serving = facts.get(BACKFILLING_KEY) == null;
    if (!serving) {
      LOG.info("{}: region {} starts empty: backfilling from {} before serving", config.name(),
          config.region(), senders.keySet());
      actor.scheduleWithFixedDelay(() -> blocking.execute(this::checkBackfill), 100,
          BACKFILL_CHECK_MS, TimeUnit.MILLISECONDS);
    }
    notifier.subscribe(onChange);
    replica.onCatalogChange(() -> {
      transports.values().forEach(NettyLinkTransport::syncCatalogSoon);
      blocking.execute(this::sweep);
    });
    actor.scheduleWithFixedDelay(() -> blocking.execute(this::sweep), 0, SWEEP_MS,
        TimeUnit.MILLISECONDS);
    actor.scheduleWithFixedDelay(() -> blocking.execute(this::publish), PUBLISH_MS, PUBLISH_MS,
        TimeUnit.MILLISECONDS);
    if (config.antiEntropyIntervalMs() > 0) {
      actor.scheduleWithFixedDelay(() -> blocking.execute(this::backgroundRepair),
          config.antiEntropyIntervalMs(), config.antiEntropyIntervalMs(), TimeUnit.MILLISECONDS);
    }
    survivors = new SurvivorReconcile(config.name(), () -> serving && !closed, () -> {
      Map<String, String> states = new LinkedHashMap<>();
      senders.values().forEach(s -> states.put(s.target(), s.stats().state()));
      return states;
    }, target -> repairAt(target, ownedPartitions(), false), System::currentTimeMillis);
    actor.scheduleWithFixedDelay(() -> survivors.check(blocking),
        SurvivorReconcile.CHECK_MILLIS, SurvivorReconcile.CHECK_MILLIS, TimeUnit.MILLISECONDS);
    long purgeEvery = Math.max(1_000, Math.min(60_000, config.tombstoneGraceMs() / 2));
    actor.scheduleWithFixedDelay(() -> blocking.execute(this::purgeTombstones), purgeEvery,
        purgeEvery, TimeUnit.MILLISECONDS);
  }

  /**
   * Stores a row moved out of this region in the regions it may now live in (see
   * {@code StorageRequestHandler.RowShipper}): sends it to each of them that this region links
   * to, at once, and completes with those that applied it; fails when none did.
   */
  public CompletionStage<List<String>> ship(long tableId, byte[] key, byte[] row,
      List<String> regions) {
    List<dev.meridian.protocol.wire.ChangeRecord> records =
        List.of(new dev.meridian.protocol.wire.ChangeRecord(tableId, key, row));
    Map<String, CompletableFuture<LinkTransport.Ack>> sends = new LinkedHashMap<>();
    for (String r : regions) {
      NettyLinkTransport t = transports.get(r);
      if (t != null) {
        sends.put(r, t.sendNow(records).toCompletableFuture());
      }
    }
    if (sends.isEmpty()) {
      return CompletableFuture.failedFuture(new MeridianException(SqlState.CONNECTION_FAILURE,
          "region " + config.region() + " has no link to any of " + regions + " (it links to "
              + transports.keySet() + ")"));
    }
    return CompletableFuture.allOf(sends.values().stream()
            .map(f -> f.handle((a, e) -> null)).toArray(CompletableFuture<?>[]::new))
        .thenApply(v -> {
          List<String> stored = new ArrayList<>();
          List<String> failures = new ArrayList<>();
          sends.forEach((r, f) -> {
            if (f.isCompletedExceptionally()) {
              failures.add(r + ": " + f.handle((a, e) -> String.valueOf(e)).join());
            } else {
              stored.add(r);
            }
          });
          if (stored.isEmpty()) {
            throw new MeridianException(SqlState.CONNECTION_FAILURE, String.join("; ", failures));
          }
          if (!failures.isEmpty()) {
            LOG.info("{}: a moved row reached {} but not {}; anti-entropy brings it there",
                config.name(), stored, failures);
          }
          return stored;
        });
  }

  /** Changes of this peer's link to {@code target} not yet acknowledged or not yet read. */
  public long backlog(String target) {
    return sender(target).stats().snapshot().unacknowledged()
        + backlogs.getOrDefault(target, 0L);
  }

  /**
   * The time before which the target holds every change of this peer's partitions (see
   * {@link LinkSender#shippedThroughMillis}); 0 until the link first caught up.
   */
  public long shippedThroughMillis(String target) {
    return sender(target).shippedThroughMillis();
  }

  /** The figures of this peer's link to a region (internal: benchmarks and the demo). */
  public LinkStats stats(String target) {
    return sender(target).stats();
  }

  /**
   * Why this region may not serve reads and writes yet, or null when it may: a region whose
   * storage started empty while other regions exist serves once every region it can reach
   * has shipped it everything (see {@link #checkBackfill}).
   */
  public String notServingReason() {
    return serving ? null : "region " + config.region() + " started empty and is being"
        + " backfilled by the other regions (" + backfillStatus + "); retry shortly or use"
        + " another region";
  }

  /** Whether the region serves (false while it is being backfilled). */
  public boolean serving() {
    return serving;
  }

  /** A line saying how far the backfill is, e.g. for the launcher's progress bar. */
  public String backfillStatus() {
    return backfillStatus;
  }

  /** Backfill progress from 0 to 1 (1 when serving). */
  public double backfillProgress() {
    return serving ? 1.0 : backfillProgress;
  }

  private volatile double backfillProgress;

  /**
   * Asks each other region how far its links into this region are: backfill is done when each
   * reachable region's senders are up, know this region's new epoch, have no stream left to
   * repair and at most a window of entries to ship. A region that stays unreachable for the
   * first {@value #UNREACHABLE_GRACE_MS} ms is not waited for (it ships when it comes back).
   */
  private void checkBackfill() {
    if (serving || closed) {
      return;
    }
    try {
      if (replica.regionFacts().get(BACKFILLING_KEY) == null) {
        markServing();
        return;
      }
      List<String> waiting = new ArrayList<>();
      double progress = 0;
      int counted = 0;
      for (Map.Entry<String, NettyLinkTransport> e : transports.entrySet()) {
        String remote = e.getKey();
        Response r;
        try {
          r = e.getValue().request(new Request.ReadSystemTable("REPLICATION_LINKS"))
              .toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception unreachable) {
          if (System.currentTimeMillis() - startedAt < UNREACHABLE_GRACE_MS) {
            waiting.add(remote + " (not reachable yet)");
            counted++;
          }
          continue;
        }
        double p = linkProgress(r, remote);
        counted++;
        progress += p;
        if (p < 1.0) {
          waiting.add(remote + String.format(java.util.Locale.ROOT, " %.0f%%", p * 100));
        }
      }
      backfillProgress = counted == 0 ? 1.0 : progress / counted;
      backfillStatus = waiting.isEmpty() ? "done" : "waiting for " + String.join(", ", waiting);
      if (waiting.isEmpty()) {
        replica.regionFacts().remove(BACKFILLING_KEY);
        markServing();
      }
    } catch (RuntimeException e) {
      LOG.debug("backfill check failed: {}", e.toString());
    }
  }

  private static final long UNREACHABLE_GRACE_MS = 15_000;

  /** How far a remote region's links into this region are, from its link rows: 0 to 1. */
  private double linkProgress(Response r, String remote) {
    if (!(r instanceof Response.Rows rows)) {
      return 0;
    }
    List<String> cols = SystemTables.REPLICATION_LINKS.columns().stream()
        .map(c -> c.name()).toList();
    int from = cols.indexOf("FROM_REGION");
    int to = cols.indexOf("TO_REGION");
    int measured = cols.indexOf("MEASURED_AT");
    int state = cols.indexOf("STATE");
    int backlog = cols.indexOf("BACKLOG");
    int toRepair = cols.indexOf("STREAMS_TO_REPAIR");
    int epoch = cols.indexOf("TO_EPOCH");
    for (Object[] row : rows.rows()) {
      if (remote.equals(row[from]) && config.region().equals(row[to])
          && "sender".equals(row[measured])) {
        if (!"up".equals(row[state]) || !Long.valueOf(replica.epoch()).equals(row[epoch])) {
          return 0;
        }
        long left = (Long) row[toRepair];
        long total = Math.max(1, replica.tables().size() * (long) replica.partitionCount());
        double p = Math.max(0, 1.0 - (double) left / total);
        Object b = row[backlog];
        long window = (long) config.linkBatchSize() * config.linkMaxInFlight();
        if (left == 0 && b instanceof Long n && n <= window) {
          return 1.0;
        }
        return Math.min(p, 0.99);
      }
    }
    return 0;
  }

  private void markServing() {
    if (!serving) {
      serving = true;
      backfillStatus = "done";
      LOG.info("{}: backfill of {} done after {} ms; serving", config.name(), config.region(),
          System.currentTimeMillis() - startedAt);
    }
  }

  /** The regions this peer ships to. */
  public Set<String> targets() {
    return senders.keySet();
  }

  /** Stops shipping to a region until {@link #resume}; 22023 for an unknown region. */
  public void pause(String target) {
    sender(target).pause();
  }

  /** Resumes shipping to a region. */
  public void resume(String target) {
    sender(target).resume();
  }

  /** Sets the injected one-way latency towards a region, in milliseconds. */
  public void latency(String target, long millis) {
    sender(target);
    transports.get(target).latencyMillis(millis);
  }

  /**
   * Whether every link of this peer has shipped everything it was told of and nothing is in
   * flight or awaiting repair.
   */
  public CompletionStage<Boolean> caughtUp() {
    return caughtUp(senders.keySet());
  }

  /** As {@link #caughtUp()}, for the links to the given regions only. */
  public CompletionStage<Boolean> caughtUp(java.util.Collection<String> targets) {
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    for (LinkSender s : senders.values()) {
      if (!targets.contains(s.target())) {
        continue;
      }
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      s.whenIdle(() -> f.complete(s.caughtUp()));
      checks.add(f);
    }
    return CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> checks.stream().allMatch(CompletableFuture::join));
  }

  /** Sweeps now: hands the senders the streams this peer owns. For tests and after changes. */
  public void sweepNow() {
    sweep();
  }

  private LinkSender sender(String target) {
    LinkSender s = senders.get(target);
    if (s == null) {
      throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "region " + config.region()
          + " has no link to '" + target + "'; its links go to " + senders.keySet());
    }
    return s;
  }

  private void sweep() {
    if (closed) {
      return;
    }
    try {
      Set<StreamId> owned = new HashSet<>();
      List<Integer> partitions = ownedPartitions();
      for (TableSchema t : replica.tables()) {
        for (int p : partitions) {
          owned.add(new StreamId(t.tableId(), p));
        }
      }
      for (LinkSender s : senders.values()) {
        s.retain(owned);
      }
      measureBacklogs();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.debug("replication sweep failed: {}", e.toString());
      }
    }
  }

  private List<Integer> ownedPartitions() {
    return LocalPartitions.owned(hazelcast);
  }

  /**
   * Backlog per link: journal entries after the acknowledged position, summed over this peer's
   * streams. An upper bound on records to ship: entries made by applying other regions'
   * records are counted though they are never shipped.
   */
  private void measureBacklogs() {
    for (LinkSender s : senders.values()) {
      CompletableFuture<Map<StreamId, Long>> acked = new CompletableFuture<>();
      s.whenIdle(() -> acked.complete(s.ackedPositions()));
      Map<StreamId, Long> positions = acked.join();
      List<CompletableFuture<Long>> parts = new ArrayList<>();
      for (Map.Entry<StreamId, Long> e : positions.entrySet()) {
        long at = e.getValue();
        parts.add(source.tail(e.getKey()).toCompletableFuture()
            .thenApply(tail -> Math.max(0, tail - at)).exceptionally(t -> 0L));
      }
      long sum = 0;
      for (CompletableFuture<Long> f : parts) {
        sum += f.join();
      }
      backlogs.put(s.target(), sum);
    }
  }

  /** Whether a link from {@code region} may open here: null when it may, else why not. */
  public String linkRefusal(String region) {
    if (region.equals(config.region())) {
      return "a link from " + region + " into itself";
    }
    if (!config.remoteRegions().containsKey(region)) {
      return config.region() + " does not replicate with " + region + " (replication.regions"
          + " lists " + config.remoteRegions().keySet() + ")";
    }
    return null;
  }

  /**
   * Answers a request of a link that authenticated as {@code fromRegion}: a request that names
   * another region (a forged origin, progress for another region, digests asked in another's
   * name) is refused with {@code 28000}, logged and counted.
   */
  public CompletionStage<Response> handleLink(String fromRegion, Request request) {
    String named = null;
    if (request instanceof Request.LinkHello h) {
      named = h.fromRegion();
    } else if (request instanceof Request.Replicate r) {
      named = r.origin();
    } else if (request instanceof Request.LinkProgress p) {
      named = p.origin();
    } else if (request instanceof Request.GetDigests d) {
      named = d.fromRegion();
    } else if (request instanceof Request.GetRowHashes h) {
      named = h.fromRegion();
    } else if (!(request instanceof Request.SyncCatalog)) {
      return CompletableFuture.completedFuture(new Response.Error(SqlState.PROTOCOL_VIOLATION,
          request.getClass().getSimpleName() + " is not a link request"));
    }
    if (named != null && !named.equals(fromRegion)) {
      long count = receiver.refused(fromRegion);
      LOG.warn("{}: the link of {} sent {} speaking for {}; refused ({} so far)", config.name(),
          fromRegion, request.getClass().getSimpleName(), named, count);
      return CompletableFuture.completedFuture(new Response.Error(SqlState.INVALID_AUTHORIZATION,
          "this link authenticated as " + fromRegion + " and may not speak for " + named));
    }
    if (request instanceof Request.LinkProgress p) {
      return appliedThrough.record(p);
    }
    if (request instanceof Request.SyncCatalog c) {
      java.util.Set<Integer> known = new java.util.HashSet<>();
      known.add(Stamp.regionId(config.region()));
      config.remoteRegions().keySet().forEach(r -> known.add(Stamp.regionId(r)));
      String problem = CatalogCheck.problem(c, known, System.currentTimeMillis());
      if (problem != null) {
        long count = receiver.refused(fromRegion);
        LOG.warn("{}: refused a catalog from the link of {}: {} ({} frames refused so far)",
            config.name(), fromRegion, problem, count);
        return CompletableFuture.completedFuture(new Response.Error(SqlState.PROTOCOL_VIOLATION,
            "catalog refused: " + problem));
      }
    }
    CompletionStage<Response> answer = receiver.handle(request);
    return answer != null ? answer : CompletableFuture.completedFuture(new Response.Error(
        SqlState.PROTOCOL_VIOLATION, "unknown link request " + request.getClass().getSimpleName()));
  }

  /** Answers the driver port's replication requests; link messages are never taken here. */
  @Override
  public CompletionStage<Response> handle(Request request) {
    if (PortRole.isLinkMessage(request)) {
      return CompletableFuture.completedFuture(new Response.Error(SqlState.PROTOCOL_VIOLATION,
          request.getClass().getSimpleName() + " is taken only on the link port"));
    }
    if (request instanceof Request.ReadSystemTable t) {
      return CompletableFuture.supplyAsync(() -> systemTable(t.name()), blocking);
    }
    if (request instanceof Request.Repair r) {
      return CompletableFuture.supplyAsync(() -> repairNow(r.targetRegion()), blocking);
    }
    if (request instanceof Request.AwaitApplied a) {
      return appliedThrough.await(a);
    }
    if (request instanceof Request.AwaitRows a) {
      if (a.required() == null || a.floors() == null || a.rows() == null) {
        return CompletableFuture.completedFuture(new Response.Error(SqlState.PROTOCOL_VIOLATION,
            "an AwaitRows without origins, floors or rows"));
      }
      return appliedThrough.awaitRows(a, replica::shows);
    }
    return CompletableFuture.completedFuture(new Response.Error(SqlState.PROTOCOL_VIOLATION,
        "unknown request " + request.getClass().getSimpleName()));
  }

  /**
   * Runs anti-entropy now from this region to one region (or all when {@code target} is
   * empty), over every partition of every table (blocking; the peer asked does the whole
   * region's share).
   */
  private Response repairNow(String target) {
    List<String> targets = target == null || target.isEmpty()
        ? new ArrayList<>(senders.keySet()) : List.of(target);
    List<Integer> all = new ArrayList<>();
    for (int p = 0; p < replica.partitionCount(); p++) {
      all.add(p);
    }
    long compared = 0;
    long shipped = 0;
    for (String t : targets) {
      sender(t);
      AntiEntropy.Result r = repairAt(t, all, true);
      compared += r.compared();
      shipped += r.shipped();
    }
    return new Response.RepairDone(compared, shipped);
  }

  /**
   * Background anti-entropy: every {@code replication.antiEntropyIntervalMs} each peer compares
   * its own partitions with every reachable region and ships rows that differ. Links only ship
   * a region's own writes, so writes of a region that died after reaching only some regions
   * would otherwise stay missing in the others until it came back.
   */
  private void backgroundRepair() {
    if (closed || !serving) {
      return;
    }
    for (String t : senders.keySet()) {
      try {
        repairAt(t, ownedPartitions(), false);
      } catch (RuntimeException e) {
        LOG.debug("background anti-entropy towards {} skipped: {}", t, e.toString());
      }
    }
  }

  /**
   * Runs anti-entropy of the given partitions of every table towards a region, over a connection
   * of its own (the link's keeps shipping meanwhile). Blocking; each partition gets a minute.
   *
   * @param countEach count every partition compared as a repair in the link's figures (an
   *     operator's repair shows its progress so); otherwise only those that shipped rows
   */
  private AntiEntropy.Result repairAt(String target, List<Integer> partitions,
      boolean countEach) {
    NettyLinkTransport transport = transports.get(target).twin();
    LinkStats stats = senders.get(target).stats();
    long compared = 0;
    long shipped = 0;
    try {
      long epoch = transport.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // Up to REPAIR_WINDOW streams at a time: one at a time, each a WAN round trip or two,
      // a region of 271 partitions took seconds per table even with nothing to ship.
      java.util.ArrayDeque<CompletableFuture<AntiEntropy.Result>> window =
          new java.util.ArrayDeque<>();
      for (TableSchema table : replica.tables()) {
        for (int p : partitions) {
          if (closed) {
            return new AntiEntropy.Result(compared, shipped);
          }
          if (window.size() >= REPAIR_WINDOW) {
            AntiEntropy.Result r = window.poll().get(60, TimeUnit.SECONDS);
            compared += r.compared();
            shipped += r.shipped();
            if (countEach || r.shipped() > 0) {
              stats.repaired(r.shipped());
            }
          }
          window.add(transport.repairStream(epoch, new StreamId(table.tableId(), p))
              .toCompletableFuture());
        }
      }
      while (!window.isEmpty()) {
        AntiEntropy.Result r = window.poll().get(60, TimeUnit.SECONDS);
        compared += r.compared();
        shipped += r.shipped();
        if (countEach || r.shipped() > 0) {
          stats.repaired(r.shipped());
        }
      }
      return new AntiEntropy.Result(compared, shipped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeridianException(SqlState.QUERY_CANCELED, "repair towards " + target
          + " was interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new MeridianException(SqlState.CONNECTION_FAILURE, "repair towards " + target
          + " failed after " + compared + " rows compared: " + e, e);
    } finally {
      transport.disconnect();
    }
  }

  // ---- figures ----

  private static final String[] STATES = {"connecting", "up", "down", "paused", "closed"};

  private static long stateCode(String state) {
    for (int i = 0; i < STATES.length; i++) {
      if (STATES[i].equals(state)) {
        return i;
      }
    }
    return 0;
  }

  private static long[] encode(LinkStats.Snapshot s, long backlog, long now, long shipped) {
    return new long[] {now, stateCode(s.state()), (long) (s.lagP50Ms() * 1000),
        (long) (s.lagP99Ms() * 1000), (long) (s.lagMaxMs() * 1000), s.lagSamples(), backlog,
        s.recordsSent(), s.lastApplyMillis(), s.conflicts(), s.skewEvents(), s.repairs(),
        s.rowsRepaired(), s.repairsPending(), s.targetEpoch(), shipped, s.reshipped()};
  }

  private Map<String, long[]> localFigures(long now) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (LinkSender s : senders.values()) {
      LinkStats.Snapshot snap = s.stats().snapshot();
      long backlog = snap.unacknowledged() + backlogs.getOrDefault(s.target(), 0L);
      out.put(config.name() + "|out|" + config.region() + "|" + s.target(),
          encode(snap, backlog, now, s.shippedThroughMillis()));
    }
    for (Map.Entry<String, LinkStats> e : receiver.inbound().entrySet()) {
      out.put(config.name() + "|in|" + e.getKey() + "|" + config.region(),
          encode(e.getValue().snapshot(), -1, now, 0));
    }
    return out;
  }

  private void publish() {
    if (closed) {
      return;
    }
    try {
      published.putAll(localFigures(System.currentTimeMillis()));
    } catch (RuntimeException e) {
      LOG.debug("publishing link figures failed: {}", e.toString());
    }
    try {
      conflicts.publish(System.currentTimeMillis());
    } catch (RuntimeException e) {
      LOG.debug("publishing the conflict log failed: {}", e.toString());
    }
  }

  private Response systemTable(String name) {
    TableSchema table = SystemTables.byName(name);
    if (table == SystemTables.REGIONS) {
      return new Response.Rows(regionRows());
    }
    if (table == SystemTables.REPLICATION_LINKS) {
      return new Response.Rows(linkRows());
    }
    if (table == SystemTables.TABLES) {
      return new Response.Rows(tableRows());
    }
    if (table == SystemTables.CONFLICTS) {
      return new Response.Rows(conflicts.rows(System.currentTimeMillis()));
    }
    if (table == SystemTables.USERS) {
      List<Object[]> rows = new ArrayList<>();
      for (dev.meridian.protocol.auth.UserRecord u : replica.users()) {
        if (!u.dropped()) {
          String grants = u.grantsText();
          rows.add(new Object[] {u.name(), u.admin(), grants.isEmpty() ? null : grants});
        }
      }
      return new Response.Rows(rows);
    }
    if (table == SystemTables.TABLE_PRIVILEGES) {
      return new Response.Rows(tablePrivilegeRows());
    }
    if (table == SystemTables.SECURITY) {
      List<Object[]> rows = new ArrayList<>();
      receiver.refusedFrames().forEach((origin, n) -> rows.add(
          new Object[] {config.name(), "refused_link_frames", origin, n}));
      return new Response.Rows(rows);
    }
    return new Response.Error(SqlState.UNDEFINED_TABLE,
        "no system table MERIDIAN." + name + "; there are " + SystemTables.all().stream()
            .map(TableSchema::name).toList());
  }

  /**
   * Who may do what to each user table: every live user's privileges as {@code may} decides
   * them (grants on the table, on every table, or the admin right), or {@code PUBLIC} with every
   * privilege where users are not enabled.
   */
  private List<Object[]> tablePrivilegeRows() {
    List<Privilege> privileges = List.of(Privilege.SELECT, Privilege.INSERT, Privilege.UPDATE,
        Privilege.DELETE);
    List<Object[]> rows = new ArrayList<>();
    for (TableSchema t : replica.tables()) {
      if (!config.usersEnabled()) {
        for (Privilege p : privileges) {
          rows.add(new Object[] {"PUBLIC", t.name(), p.name(), "NO"});
        }
        continue;
      }
      for (dev.meridian.protocol.auth.UserRecord u : replica.users()) {
        if (u.dropped()) {
          continue;
        }
        for (Privilege p : privileges) {
          if (u.may(p, t.name())) {
            rows.add(new Object[] {u.name(), t.name(), p.name(), u.admin() ? "YES" : "NO"});
          }
        }
      }
    }
    return rows;
  }

  private List<Object[]> tableRows() {
    List<Object[]> rows = new ArrayList<>();
    for (TableSchema t : replica.tables()) {
      int dropped = t.columnCount() - t.visibleColumnIds().length;
      rows.add(new Object[] {t.name(), t.tableId(), t.version(), t.columnCount() - dropped,
          dropped, t.resolution().name().toLowerCase(java.util.Locale.ROOT),
          t.hasTtl() ? t.column(t.ttlColumn()).name() : null, t.conflictLog() ? "on" : "off"});
    }
    return rows;
  }

  private List<Object[]> regionRows() {
    List<Object[]> rows = new ArrayList<>();
    long shipped = regionShippedThrough();
    rows.add(new Object[] {config.region(), "local", serving ? "serving" : "backfilling",
        hazelcast.getCluster().getMembers().size(), replica.epoch(), clock.skewEvents(),
        shipped == 0 ? null : shipped, purged.sum()});
    for (Map.Entry<String, List<String>> e : config.remoteRegions().entrySet()) {
      LinkSender s = senders.get(e.getKey());
      rows.add(new Object[] {e.getKey(), "remote", s == null ? null : s.stats().state(),
          e.getValue().size(), null, null, null, null});
    }
    return rows;
  }

  private List<Object[]> linkRows() {
    long now = System.currentTimeMillis();
    Map<String, long[]> all = new TreeMap<>();
    try {
      for (Map.Entry<String, long[]> e : published.entrySet()) {
        if (now - e.getValue()[0] <= STALE_STATS_MS) {
          all.put(e.getKey(), e.getValue());
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("reading published link figures failed: {}", e.toString());
    }
    all.putAll(localFigures(now));
    // Merge the peers' figures per link: counts add up, lags take the worst peer.
    Map<String, long[]> merged = new TreeMap<>();
    Map<String, Set<Long>> states = new TreeMap<>();
    for (Map.Entry<String, long[]> e : all.entrySet()) {
      String[] k = e.getKey().split("\\|");
      String link = k[1] + "|" + k[2] + "|" + k[3];
      long[] v = e.getValue();
      states.computeIfAbsent(link, x -> new HashSet<>()).add(v[1]);
      long[] m = merged.get(link);
      if (m == null) {
        merged.put(link, v.clone());
        continue;
      }
      for (int i = 2; i <= 4; i++) {
        m[i] = Math.max(m[i], v[i]);
      }
      m[5] += v[5];
      m[6] = m[6] < 0 || v[6] < 0 ? -1 : m[6] + v[6];
      m[7] += v[7];
      m[8] = Math.max(m[8], v[8]);
      for (int i = 9; i <= 13; i++) {
        m[i] += v[i];
      }
      m[14] = m[14] == v[14] ? m[14] : 0;
      m[15] = Math.min(m[15], v[15]);
      // Figures published by a peer without the re-shipped count have 16 entries.
      if (m.length > 16) {
        m[16] += v.length > 16 ? v[16] : 0;
      }
    }
    List<Object[]> rows = new ArrayList<>();
    for (Map.Entry<String, long[]> e : merged.entrySet()) {
      String[] k = e.getKey().split("\\|");
      long[] v = e.getValue();
      Set<Long> s = states.get(e.getKey());
      String state = s.size() == 1 ? STATES[(int) (long) s.iterator().next()] : "mixed";
      boolean out = k[0].equals("out");
      rows.add(new Object[] {k[1], k[2], out ? "sender" : "receiver", state,
          v[2] / 1000.0, v[3] / 1000.0, v[4] / 1000.0, v[5], v[6] < 0 ? null : v[6], v[7],
          v[8] == 0 ? null : LocalDateTime.ofInstant(Instant.ofEpochMilli(v[8]), ZoneOffset.UTC),
          v[9], v[10], v[11], v[12], v[13], v[14] == 0 ? null : v[14],
          v.length > 16 ? v[16] : 0L});
    }
    return rows;
  }

  // ---- tombstones ----

  private final java.util.concurrent.atomic.LongAdder purged =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder purgeChecks =
      new java.util.concurrent.atomic.LongAdder();

  /** How many times this peer has considered purging tombstones (whether it could or not). */
  public long purgeChecks() {
    return purgeChecks.sum();
  }

  /**
   * The time before which every change made in this region has reached every other region:
   * the least "shipped through" time over the senders of every peer of the region (published
   * figures no older than {@value #STALE_STATS_MS} ms, and this peer's own); 0 when unknown.
   */
  private long regionShippedThrough() {
    java.util.stream.LongStream.Builder figures = java.util.stream.LongStream.builder();
    for (LinkSender s : senders.values()) {
      figures.add(s.shippedThroughMillis());
    }
    long now = System.currentTimeMillis();
    try {
      for (Map.Entry<String, long[]> e : published.entrySet()) {
        long[] v = e.getValue();
        if (e.getKey().contains("|out|") && v.length > 15 && now - v[0] <= STALE_STATS_MS) {
          figures.add(v[15]);
        }
      }
    } catch (RuntimeException e) {
      return 0;
    }
    return TombstonePurge.horizon(figures.build());
  }

  /**
   * Purges deleted rows (a tombstone and no cells) of this peer's partitions once every region
   * has had them (DESIGN.md, "Tombstones"): a tombstone stamped before every region's
   * "shipped through" time, less the grace period, is known everywhere, and no write stamped
   * below it can still be on its way, so removing the row can never bring old cells back. A
   * region that cannot be asked holds the purge back.
   */
  private void purgeTombstones() {
    if (closed || !serving) {
      return;
    }
    purgeChecks.increment();
    try {
      long own = regionShippedThrough();
      int shippedCol = SystemTables.REGIONS.columns().stream().map(c -> c.name()).toList()
          .indexOf("SHIPPED_THROUGH_MS");
      java.util.stream.LongStream.Builder others = java.util.stream.LongStream.builder();
      for (NettyLinkTransport t : transports.values()) {
        Response r = t.request(new Request.ReadSystemTable("REGIONS")).toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
        long theirs = 0;
        if (r instanceof Response.Rows rows && !rows.rows().isEmpty()
            && rows.rows().get(0)[shippedCol] instanceof Long v) {
          theirs = v;
        }
        others.add(theirs);
      }
      long cutoff = TombstonePurge.cutoff(own, others.build(), config.tombstoneGraceMs());
      if (cutoff == TombstonePurge.NONE) {
        return;
      }
      for (TableSchema table : replica.tables()) {
        for (int p : ownedPartitions()) {
          for (AntiEntropy.Row row : replica.scan(table.tableId(), p)) {
            dev.meridian.peer.internal.row.StoredRow stored =
                dev.meridian.peer.internal.row.RowFormat.decode(row.row());
            if (TombstonePurge.purgeable(stored, cutoff)
                && replica.purge(table.tableId(), row.key(), stored.tombstone().hlc(),
                    stored.tombstone().origin()).toCompletableFuture().join()) {
              purged.increment();
            }
          }
        }
      }
    } catch (Exception e) {
      LOG.debug("tombstone purge skipped: {}", e.toString());
    }
  }

  // ---- JMX ----

  private void registerMBean(String target, LinkSender sender, NettyLinkTransport transport) {
    try {
      ObjectName name = new ObjectName("dev.meridian:type=ReplicationLink,peer="
          + ObjectName.quote(config.name()) + ",from=" + config.region() + ",to=" + target);
      ManagementFactory.getPlatformMBeanServer().registerMBean(
          new LinkBean(config.region(), target, sender, transport), name);
      mbeans.add(name);
    } catch (javax.management.JMException e) {
      LOG.warn("cannot register the MBean of the link to {}: {}", target, e.toString());
    }
  }

  private final class LinkBean implements ReplicationLinkMXBean {
    private final String from;
    private final String to;
    private final LinkSender sender;
    private final NettyLinkTransport transport;

    LinkBean(String from, String to, LinkSender sender, NettyLinkTransport transport) {
      this.from = from;
      this.to = to;
      this.sender = sender;
      this.transport = transport;
    }

    private LinkStats.Snapshot snap() {
      return sender.stats().snapshot();
    }

    @Override
    public String getFromRegion() {
      return from;
    }

    @Override
    public String getToRegion() {
      return to;
    }

    @Override
    public String getState() {
      return snap().state();
    }

    @Override
    public double getLagP50Ms() {
      return snap().lagP50Ms();
    }

    @Override
    public double getLagP99Ms() {
      return snap().lagP99Ms();
    }

    @Override
    public double getLagMaxMs() {
      return snap().lagMaxMs();
    }

    @Override
    public long getBacklog() {
      return snap().unacknowledged() + backlogs.getOrDefault(to, 0L);
    }

    @Override
    public long getRecordsShipped() {
      return snap().recordsSent();
    }

    @Override
    public long getReshipped() {
      return snap().reshipped();
    }

    @Override
    public long getLastApplyMillis() {
      return snap().lastApplyMillis();
    }

    @Override
    public long getConflictsResolved() {
      return snap().conflicts();
    }

    @Override
    public long getSkewEvents() {
      return snap().skewEvents();
    }

    @Override
    public long getRepairs() {
      return snap().repairs();
    }

    @Override
    public long getRowsRepaired() {
      return snap().rowsRepaired();
    }

    @Override
    public long getInjectedLatencyMs() {
      return transport.latencyMillis();
    }
  }

  @Override
  public void close() {
    closed = true;
    notifier.unsubscribe(onChange);
    senders.values().forEach(LinkSender::close);
    transports.values().forEach(NettyLinkTransport::disconnect);
    for (ObjectName name : mbeans) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (javax.management.JMException e) {
        // already gone
      }
    }
    actor.shutdown();
    sessionTimer.shutdownNow();
    blocking.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "meridian-" + prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
