package dev.meridian.driver.internal;

import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.wire.KeyBytes;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends single-key requests straight to the peer that owns the key's partition, saving the hop
 * from the receiving peer to the owner inside the region (Hazelcast's "smart routing", for our
 * protocol). Every other request, and every single-key request whose owner is unknown or
 * unreachable, goes to the connection's serving channel as before, and any peer serves any
 * key, so a stale table costs a hop, never a wrong answer.
 *
 * <p>The partition table comes from {@link Request.GetPartitions}, fetched in the background
 * and refreshed every {@value #REFRESH_SECONDS} seconds. Channels to owners open on first use;
 * an owner that cannot be reached is left alone until the next refresh. Thread-safe.
 */
final class PartitionRoutes {
  private static final Logger LOG = Logger.getLogger("dev.meridian.driver");
  static final int REFRESH_SECONDS = 5;

  private final ChannelOpener opener;
  private final int connectTimeoutMillis;
  private final int maxFrameBytes;
  private final Map<String, PeerChannel> owners = new ConcurrentHashMap<>();
  private final Map<String, Long> unreachableUntil = new ConcurrentHashMap<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile List<String> table;
  private volatile long fetchedAt;
  private volatile boolean unsupported;
  private volatile boolean closed;

  PartitionRoutes(ChannelOpener opener, int connectTimeoutMillis, int maxFrameBytes) {
    this.opener = opener;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * The owner's channel for a single-key request, or null to use the serving channel.
   *
   * @param serving the serving channel, used to fetch the partition table when it is stale
   */
  PeerChannel route(Request request, PeerChannel serving) {
    if (unsupported || closed) {
      return null;
    }
    refreshIfStale(serving);
    List<String> t = table;
    Object[] key = singleKey(request);
    if (t == null || t.isEmpty() || key == null) {
      return null;
    }
    String owner = t.get(KeyBytes.partition(KeyBytes.encode(key), t.size()));
    if (owner.isEmpty()) {
      return null;
    }
    PeerChannel ch = owners.get(owner);
    if (ch != null && ch.isOpen()) {
      return ch;
    }
    return open(owner);
  }

  private static Object[] singleKey(Request request) {
    if (request instanceof Request.Get g && g.keys().size() == 1) {
      return g.keys().get(0);
    }
    if (request instanceof Request.Write w && w.rows().size() == 1) {
      return w.rows().get(0).key();
    }
    return null;
  }

  private PeerChannel open(String owner) {
    Long until = unreachableUntil.get(owner);
    if (until != null && System.nanoTime() < until) {
      return null;
    }
    synchronized (this) {
      PeerChannel ch = owners.get(owner);
      if (ch != null && ch.isOpen()) {
        return ch;
      }
      try {
        ch = opener.open(List.of(address(owner)), connectTimeoutMillis, maxFrameBytes);
        if (closed) {
          ch.close();
          return null;
        }
        PeerChannel old = owners.put(owner, ch);
        if (old != null) {
          old.close();
        }
        unreachableUntil.remove(owner);
        return ch;
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "partition owner " + owner + " unreachable; using the serving peer", e);
        unreachableUntil.put(owner, System.nanoTime() + TimeUnit.SECONDS.toNanos(REFRESH_SECONDS));
        return null;
      }
    }
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return InetSocketAddress.createUnresolved(host, Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private void refreshIfStale(PeerChannel serving) {
    if (System.nanoTime() - fetchedAt < TimeUnit.SECONDS.toNanos(REFRESH_SECONDS)
        || serving == null || !refreshing.compareAndSet(false, true)) {
      return;
    }
    serving.call(new Request.GetPartitions()).whenComplete((r, e) -> {
      try {
        if (r instanceof Response.Partitions p) {
          table = List.copyOf(p.owners());
        } else if (r instanceof Response.Error err
            && err.state() == dev.meridian.protocol.error.SqlState.PROTOCOL_VIOLATION) {
          unsupported = true; // a peer that predates partition routing
        }
        fetchedAt = System.nanoTime();
      } finally {
        refreshing.set(false);
      }
    });
  }

  /** Forgets an owner channel that failed, so the next request reopens or avoids it. */
  void dropped(PeerChannel ch) {
    owners.values().remove(ch);
  }

  /** Closes every owner channel. Idempotent. */
  void close() {
    closed = true;
    owners.values().forEach(PeerChannel::close);
    owners.clear();
  }
}
