package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.router.api.RoutingPolicy.Operation;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Sends a connection's statements to regions (DESIGN.md, "Connections"): one
 * {@link ServingChannel} per region, opened on first use; the shared {@link RoutingGroup}'s
 * policy says which region to try first and where to fail over; the {@link SessionToken} keeps
 * reads from missing the connection's own writes.
 *
 * <h2>Which failures move a statement to the next region</h2>
 * <ul>
 *   <li>Any statement, when the region could not be reached at all ({@code 08001}: nothing was
 *       sent) or refused to serve ({@code 57P03}: a region being backfilled applies nothing).
 *   <li>Reads and {@code UPSERT}s ({@link Call#retryAfterSend}) also when the connection broke
 *       after the request left: a read changes nothing, and an upsert written twice holds the
 *       same values.
 *   <li>Never for {@code INSERT}, {@code UPDATE}, {@code DELETE} or DDL once sent: the first
 *       region may have applied it, and the retry could then report a false duplicate key
 *       ({@code INSERT}) or a wrong update count. They fail with {@code 08006}, saying the write
 *       may or may not have been applied; the next statement goes to the next region.
 * </ul>
 * A region that no peer of answers, or that refuses to serve, is reported down to the policy,
 * which the whole {@link RoutingGroup} shares; when the group's prober finds a region down, the
 * channel to it is abandoned, failing what waits there. With {@code routing=local} nothing
 * fails over.
 *
 * <h2>Session consistency</h2>
 * Before a read in a region, the token's entries for other origin regions must be applied
 * there: the router asks unless an earlier answer already covers them. When the token lists
 * the session's latest writes of those origins it asks with them ({@link Request.AwaitRows}):
 * the region then answers from its replication figures or, where those cannot vouch (the
 * origin died before its links reported the last writes), by showing it holds each listed
 * write; otherwise it asks with the figures alone ({@link Request.AwaitApplied}). It tries
 * every candidate region without waiting first, then waits up to {@code sessionWaitMs} on the
 * best reachable one, then fails with {@code 57M01}. Statements on the home region with only
 * home writes in the token cost nothing extra.
 *
 * <p>Thread-safe; statements of one connection may run concurrently.
 */
final class RegionRouter {

  /** How a request may be routed and retried. */
  enum Call {
    /** A point read: session-checked, its round trip feeds the policy. */
    POINT_READ(Operation.READ, true, true, true),
    /** Any other read of rows: session-checked. */
    READ(Operation.READ, true, true, false),
    /** Catalog, system tables, pings: any region will do, no session check. */
    METADATA(Operation.READ, true, false, false),
    /** A write that may be repeated elsewhere ({@code UPSERT}). */
    IDEMPOTENT_WRITE(Operation.WRITE, true, false, false),
    /** Any other write. */
    WRITE(Operation.WRITE, false, false, false),
    /** CREATE or DROP. */
    DDL(Operation.DDL, false, false, false);

    final Operation operation;
    final boolean retryAfterSend;
    final boolean sessionChecked;
    final boolean measured;
    /** The {@code kind} tag of its meters. */
    final String tag = name().toLowerCase(java.util.Locale.ROOT);

    Call(Operation operation, boolean retryAfterSend, boolean sessionChecked, boolean measured) {
      this.operation = operation;
      this.retryAfterSend = retryAfterSend;
      this.sessionChecked = sessionChecked;
      this.measured = measured;
    }
  }

  /** The rows a point read asks for. */
  private record PointRead(TableSchema table, List<Object[]> keys) {}

  /** A region that has not applied the session's writes (yet). */
  private static final class SessionBehind extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String region;
    final Map<String, Long> required;
    final Map<String, Long> through;

    SessionBehind(String region, Map<String, Long> required, Map<String, Long> through) {
      super(null, null, false, false);
      this.region = region;
      this.required = required;
      this.through = through;
    }
  }

  private final String home;
  private final Map<String, List<InetSocketAddress>> peers;
  private final RoutingGroup group;
  private final ChannelOpener opener;
  private final int connectTimeoutMillis;
  private final int maxFrameBytes;
  private final boolean session;
  private final int sessionWaitMillis;
  private final List<String> homeOnly;
  private final SessionToken token;
  private final Map<String, ServingChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> appliedThrough = new ConcurrentHashMap<>();
  /** Per region, per origin: the stamp up to which the region showed every session write. */
  private final Map<String, Map<String, Long>> shownThrough = new ConcurrentHashMap<>();
  private volatile String lastRegion;
  private volatile boolean closed;
  private volatile DriverMeters meters = DriverMeters.NONE;

  /** Reports to {@code m} from now on (set once, before the connection is handed out). */
  void meters(DriverMeters m) {
    meters = m;
    channels.values().forEach(ch -> ch.meters(m));
  }

  /**
   * @param group the shared policy and prober, or null for {@code routing=local}
   */
  RegionRouter(DriverConfig config, Map<String, List<InetSocketAddress>> peers,
      RoutingGroup group, ChannelOpener opener) {
    this.home = config.homeRegion();
    this.peers = Map.copyOf(peers);
    this.group = group;
    this.opener = opener;
    this.connectTimeoutMillis = config.connectTimeoutMillis();
    this.maxFrameBytes = config.maxFrameBytes();
    this.session = config.consistency() == DriverConfig.Consistency.SESSION;
    this.sessionWaitMillis = config.sessionWaitMillis();
    this.homeOnly = List.of(home);
    this.token = new SessionToken(config.regions(), config.sessionRecentWrites());
    if (group != null) {
      group.onDown(abandon);
    }
  }

  /** The prober found a region down: fail what waits on it, so reads move on at once. */
  private final java.util.function.Consumer<String> abandon = region -> {
    ServingChannel ch = channels.get(region);
    if (ch != null) {
      ch.abandon();
    }
  };

  SessionToken token() {
    return token;
  }

  /** The region that served the last statement (home until one ran). */
  String lastRegion() {
    String r = lastRegion;
    return r != null ? r : home;
  }

  /** The channel to a region, created (not connected) on first use. */
  ServingChannel channel(String region) {
    if (closed) {
      throw new MeridianException(SqlState.CONNECTION_DOES_NOT_EXIST, "the connection is closed");
    }
    return channels.computeIfAbsent(region, r -> {
      ServingChannel ch = ServingChannel.lazy(r, peers.getOrDefault(r, List.of()), opener,
          connectTimeoutMillis, maxFrameBytes);
      ch.meters(meters);
      return ch;
    });
  }

  /** The channel that served the last statement, if it is open now. */
  PeerChannel lastChannelOrNull() {
    ServingChannel ch = channels.get(lastRegion());
    return ch == null ? null : ch.currentOrNull();
  }

  /**
   * The regions to try for an operation, best first: the policy's plan, restricted to the
   * allowed regions when a residency rule names them (allowed regions the plan leaves out, being
   * down, come last: better to try them than to fail without trying).
   *
   * @param allowed the regions the rows may live in, or null for any
   */
  List<String> candidates(Operation operation, Set<String> allowed) {
    if (group == null) {
      return homeOnly;
    }
    List<String> plan = group.plan(operation);
    if (allowed == null) {
      return plan;
    }
    List<String> out = new ArrayList<>(allowed.size());
    for (String r : plan) {
      if (allowed.contains(r)) {
        out.add(r);
      }
    }
    for (String r : allowed) {
      if (!out.contains(r) && peers.containsKey(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Runs a request in the first region that can take it (see the class comment for which
   * failures move on).
   *
   * @param allowed the regions the statement's rows may live in, or null for any
   * @param body sends the request on a region's channel and reads the answer; may throw
   */
  <T> T run(Call call, Set<String> allowed, Execution execution,
      Function<ServingChannel, T> body) {
    return runIn(candidates(call.operation, allowed), call, execution, body);
  }

  /**
   * As {@link #run(Call, Set, Execution, Function)} for a read of rows by key: when a region
   * cannot show every write the session listed, the read may still be served there if it
   * shows the session's listed writes of these rows.
   */
  <T> T runPointRead(TableSchema table, List<Object[]> keys, Set<String> allowed,
      Execution execution, Function<ServingChannel, T> body) {
    return runIn(candidates(Operation.READ, allowed), Call.POINT_READ,
        new PointRead(table, keys), execution, body);
  }

  /** As {@link #runPointRead}, over the given regions in order. */
  <T> T runPointReadIn(List<String> regions, TableSchema table, List<Object[]> keys,
      Execution execution, Function<ServingChannel, T> body) {
    return runIn(regions, Call.POINT_READ, new PointRead(table, keys), execution, body);
  }

  /** As {@link #run(Call, Set, Execution, Function)}, over the given regions in order. */
  <T> T runIn(List<String> regions, Call call, Execution execution,
      Function<ServingChannel, T> body) {
    return runIn(regions, call, null, execution, body);
  }

  private <T> T runIn(List<String> regions, Call call, PointRead point, Execution execution,
      Function<ServingChannel, T> body) {
    boolean checkSession = session && call.sessionChecked;
    MeridianException last = null;
    SessionBehind behind = null;
    for (String region : regions) {
      try {
        return attempt(call, region, point, checkSession ? 0 : -1, execution, body);
      } catch (SessionBehind b) {
        behind = behind == null ? b : behind;
      } catch (MeridianException e) {
        if (!movesOn(call, region, e) || execution.cancelled()) {
          throw e;
        }
        meters.failover(region);
        last = e;
      }
    }
    if (behind != null) {
      // No candidate has the session's writes yet: wait on the best one that answered.
      long waitStart = System.nanoTime();
      try {
        return attempt(call, behind.region, point, sessionWaitMillis, execution, body);
      } catch (SessionBehind b) {
        meters.sessionBehind();
        throw sessionBehind(b);
      } finally {
        meters.sessionWait(behind.region, System.nanoTime() - waitStart);
      }
    }
    throw exhausted(regions, last);
  }

  private <T> T attempt(Call call, String region, PointRead point, int sessionWait,
      Execution execution, Function<ServingChannel, T> body) {
    ServingChannel ch = channel(region);
    if (sessionWait >= 0) {
      ensureApplied(region, ch, point, sessionWait, execution);
    }
    long start = System.nanoTime();
    T out;
    try {
      out = body.apply(ch);
    } catch (RuntimeException e) {
      meters.request(call.tag, region, System.nanoTime() - start, false);
      throw e;
    }
    long took = System.nanoTime() - start;
    meters.request(call.tag, region, took, true);
    if (call.measured && group != null) {
      group.recordLatency(region, took);
    }
    lastRegion = region;
    return out;
  }

  /**
   * Whether a failure in a region moves the request on. The region is reported down only when
   * no peer of it could be reached or it refuses to serve: a connection that broke may be one
   * peer's death, and the next statement reconnects to another peer of the region.
   */
  private boolean movesOn(Call call, String region, MeridianException e) {
    boolean connection = ServingChannel.isConnectionError(e);
    boolean notApplied = e.state() == SqlState.CONNECTION_UNABLE_TO_CONNECT
        || e.state() == SqlState.REGION_NOT_READY;
    if (group == null) {
      return false;
    }
    if (notApplied) {
      group.regionDown(region, e);
    }
    return notApplied || (connection && call.retryAfterSend);
  }

  /**
   * Makes sure a region has applied the session's writes of other origins, or, for a point
   * read, at least the session's writes of the rows read (see {@link #pointReadShown}).
   *
   * @param point the rows a point read asks for, or null for any other read
   * @throws SessionBehind when it has not within {@code waitMillis}
   */
  private void ensureApplied(String region, ServingChannel ch, PointRead point, int waitMillis,
      Execution execution) {
    try {
      ensureAllApplied(region, ch, waitMillis, execution);
    } catch (SessionBehind behind) {
      if (point == null || !pointReadShown(region, ch, point, execution)) {
        throw behind;
      }
    }
  }

  /**
   * Whether a region that cannot show every listed write shows those of the rows a point read
   * asks for (and the figures cover the writes no longer listed): such a read misses none of
   * the session's writes, so it need not fail because another row's write died with its
   * region. Asks without waiting: the caller's full check has waited already.
   */
  private boolean pointReadShown(String region, ServingChannel ch, PointRead point,
      Execution execution) {
    if (!token.lists()) {
      return false; // nothing listed: the figures alone vouch, as the full check asked
    }
    List<Object[]> keys = new ArrayList<>(point.keys().size());
    for (Object[] key : point.keys()) {
      Object[] canonical = canonicalKey(point.table(), key);
      if (canonical == null) {
        return false;
      }
      keys.add(canonical);
    }
    SessionToken.Need need = token.needForRows(region,
        shownThrough.getOrDefault(region, Map.of()), point.table().tableId(), keys);
    Response r = ch.call(new Request.AwaitRows(need.required(), need.floors(), need.rows(), 0),
        execution, true);
    return ServingChannel.expect(r, Response.Applied.class, "a session consistency check")
        .satisfied();
  }

  /**
   * A key's values as the peers compare them (each coerced to its column's type), or null when
   * one does not fit.
   */
  static Object[] canonicalKey(TableSchema table, Object[] key) {
    List<Integer> keyColumns = table.keyColumns();
    if (key == null || key.length != keyColumns.size()) {
      return null;
    }
    Object[] out = new Object[key.length];
    try {
      for (int i = 0; i < key.length; i++) {
        out[i] = table.column(keyColumns.get(i)).type().coerce(key[i]);
      }
    } catch (MeridianException e) {
      return null;
    }
    return out;
  }

  /**
   * Makes sure a region has applied every write of the session of other origins.
   *
   * @throws SessionBehind when it has not within {@code waitMillis}
   */
  private void ensureAllApplied(String region, ServingChannel ch, int waitMillis,
      Execution execution) {
    Map<String, Long> required = token.requiredIn(region);
    if (required.isEmpty() || covered(appliedThrough.get(region), required)
        || shown(shownThrough.get(region), required)) {
      return;
    }
    SessionToken.Need need = null;
    Request ask;
    if (token.listsFor(required)) {
      need = token.needIn(region, shownThrough.getOrDefault(region, Map.of()));
      required = need.required();
      ask = new Request.AwaitRows(required, need.floors(), need.rows(), waitMillis);
    } else {
      ask = new Request.AwaitApplied(required, waitMillis);
    }
    Response r = ch.call(ask, execution, true);
    Response.Applied applied = ServingChannel.expect(r, Response.Applied.class,
        "a session consistency check");
    raise(appliedThrough, region, applied.throughMillis());
    if (!applied.satisfied()) {
      throw new SessionBehind(region, required, applied.throughMillis());
    }
    if (need != null) {
      raise(shownThrough, region, required);
    }
  }

  /** Raises a region's per-origin figures to at least {@code figures}. */
  private static void raise(Map<String, Map<String, Long>> byRegion, String region,
      Map<String, Long> figures) {
    byRegion.compute(region, (k, old) -> {
      Map<String, Long> merged = new ConcurrentHashMap<>();
      if (old != null) {
        merged.putAll(old);
      }
      figures.forEach((origin, v) -> merged.merge(origin, v, Math::max));
      return merged;
    });
  }

  private static boolean shown(Map<String, Long> shown, Map<String, Long> required) {
    if (shown == null) {
      return false;
    }
    for (Map.Entry<String, Long> e : required.entrySet()) {
      Long h = shown.get(e.getKey());
      if (h == null || h < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static boolean covered(Map<String, Long> through, Map<String, Long> required) {
    if (through == null) {
      return false;
    }
    for (Map.Entry<String, Long> e : required.entrySet()) {
      Long t = through.get(e.getKey());
      if (t == null || new Stamp(e.getValue(), 0).millis() >= t) {
        return false;
      }
    }
    return true;
  }

  private MeridianException sessionBehind(SessionBehind b) {
    StringBuilder what = new StringBuilder();
    b.required.forEach((origin, hlc) -> {
      long wrote = new Stamp(hlc, 0).millis();
      Long t = b.through.get(origin);
      if (t == null || wrote >= t) {
        what.append(what.length() == 0 ? "" : "; ").append("this session wrote in ")
            .append(origin).append(" at ").append(Instant.ofEpochMilli(wrote)).append(", but ")
            .append(b.region).append(" holds ").append(origin).append("'s writes only through ")
            .append(t == null || t == 0 ? "nothing yet" : Instant.ofEpochMilli(t).toString());
      }
    });
    String rows = token.listsFor(b.required) ? "; nor does it show every write this session"
        + " made there that its token lists (sessionRecentWrites)" : "";
    return new MeridianException(SqlState.SESSION_BEHIND, "no region can serve this read"
        + " without missing this connection's earlier writes (consistency=session): " + what
        + rows
        + "; waited " + sessionWaitMillis + " ms (sessionWaitMs). Retry once " + String.join(", ",
            b.required.keySet()) + " answers again, or read with consistency=eventual");
  }

  private static MeridianException exhausted(List<String> regions, MeridianException last) {
    if (last == null) {
      return new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT,
          "no region to send the statement to");
    }
    if (regions.size() == 1) {
      return last;
    }
    return new MeridianException(last.state(), "no region could take the statement; tried "
        + String.join(", ", regions) + ". Last failure: " + last.getMessage(), last);
  }

  /** Notes the applied writes of rows, {@code results[i]} being the fate of {@code rows[i]}. */
  void wrote(TableSchema table, WriteKind kind, List<RowWrite> rows, RowResult[] results) {
    for (int i = 0; i < results.length; i++) {
      RowResult r = results[i];
      if (r != null && r.applied()) {
        RowWrite row = i < rows.size() ? rows.get(i) : null;
        Object[] key = row == null ? null : canonicalKey(table, row.key());
        if (key == null) {
          token.wrote(r.outcome().stamp());
        } else {
          token.wrote(r.outcome().stamp(), table.tableId(), key, row.columns(),
              kind == WriteKind.DELETE);
        }
      }
    }
  }

  /** Closes every channel and gives the routing group back. Idempotent. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    channels.values().forEach(ServingChannel::close);
    if (group != null) {
      group.removeOnDown(abandon);
      group.release();
    }
  }
}
