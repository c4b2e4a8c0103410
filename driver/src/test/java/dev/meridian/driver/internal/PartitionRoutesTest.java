package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.wire.KeyBytes;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Which channel a request takes, against stub channels that only count calls. */
class PartitionRoutesTest {

  /** A channel that answers GetPartitions from a fixed table and nothing else. */
  private static final class StubChannel implements PeerChannel {
    final String name;
    final List<String> table;
    boolean open = true;

    StubChannel(String name, List<String> table) {
      this.name = name;
      this.table = table;
    }

    @Override
    public CompletableFuture<Response> call(Request request) {
      return CompletableFuture.completedFuture(table == null
          ? new Response.Error(SqlState.PROTOCOL_VIOLATION, "unknown request")
          : new Response.Partitions(table));
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public String region() {
      return "r";
    }

    @Override
    public String peer() {
      return name;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  private final Map<String, StubChannel> opened = new ConcurrentHashMap<>();
  private final List<String> refused = new ArrayList<>();

  private ChannelOpener opener() {
    return (peers, timeout, maxFrame) -> {
      InetSocketAddress a = peers.get(0);
      String key = a.getHostString() + ":" + a.getPort();
      if (refused.contains(key)) {
        throw new MeridianException(SqlState.CONNECTION_UNABLE_TO_CONNECT, "refused");
      }
      return opened.computeIfAbsent(key, k -> new StubChannel(k, null));
    };
  }

  private static List<String> table(String even, String odd) {
    List<String> t = new ArrayList<>();
    for (int i = 0; i < 271; i++) {
      t.add(i % 2 == 0 ? even : odd);
    }
    return t;
  }

  private static Object[] keyIn(int parity) {
    for (long k = 0; ; k++) {
      if (KeyBytes.partition(KeyBytes.encode(new Object[] {k}), 271) % 2 == parity) {
        return new Object[] {k};
      }
    }
  }

  @Test
  void singleKeyRequestsGoToTheOwnerOfTheirPartition() {
    PartitionRoutes routes = new PartitionRoutes(opener(), 1000, 1 << 20);
    StubChannel serving = new StubChannel("serving", table("h:1", "h:2"));
    PeerChannel even = routes.route(new Request.Get(1, List.<Object[]>of(keyIn(0))), serving);
    PeerChannel odd = routes.route(new Request.Write(1, WriteKind.UPSERT,
        List.of(new RowWrite(keyIn(1), new int[0], new Object[0]))), serving);
    assertEquals("h:1", even.peer());
    assertEquals("h:2", odd.peer());
    assertSame(even, routes.route(new Request.Get(1, List.<Object[]>of(keyIn(0))), serving),
        "owner channels are reused");
  }

  @Test
  void multiKeyRequestsAndUnreachableOwnersUseTheServingPeer() {
    refused.add("h:2");
    PartitionRoutes routes = new PartitionRoutes(opener(), 1000, 1 << 20);
    StubChannel serving = new StubChannel("serving", table("h:1", "h:2"));
    routes.route(new Request.Ping(), serving);
    assertNull(routes.route(new Request.Get(1, List.of(keyIn(0), keyIn(1))), serving));
    assertNull(routes.route(new Request.Get(1, List.<Object[]>of(keyIn(1))), serving));
    assertNull(routes.route(new Request.GetCatalog(), serving));
  }

  @Test
  void aPeerWithoutPartitionRoutingTurnsItOff() {
    PartitionRoutes routes = new PartitionRoutes(opener(), 1000, 1 << 20);
    StubChannel old = new StubChannel("old", null);
    routes.route(new Request.Ping(), old);
    assertNull(routes.route(new Request.Get(1, List.<Object[]>of(keyIn(0))), old));
    assertEquals(Map.of(), opened);
  }

  @Test
  void aDroppedOwnerChannelIsReopened() {
    PartitionRoutes routes = new PartitionRoutes(opener(), 1000, 1 << 20);
    StubChannel serving = new StubChannel("serving", table("h:1", "h:1"));
    routes.route(new Request.Ping(), serving);
    PeerChannel first = routes.route(new Request.Get(1, List.<Object[]>of(keyIn(0))), serving);
    first.close();
    routes.dropped(first);
    opened.clear();
    PeerChannel second = routes.route(new Request.Get(1, List.<Object[]>of(keyIn(0))), serving);
    assertEquals("h:1", second.peer());
    assertEquals(false, first == second);
  }
}
