package dev.meridian.protocol.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.Frames.ResponseFrame;
import dev.meridian.protocol.wire.Frames.Welcome;
import dev.meridian.protocol.wire.ProtocolCodec;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Netty client against real loopback sockets: refused and silent peers are {@code 08001}
 * within the connect timeout, a handshake and a call complete, and a peer that drops the
 * connection fails the calls in flight with {@code 08006}. The "peer" here is a plain socket
 * speaking the documented frames, so no peer artifact is needed.
 */
class PeerConnectorTest {

  private static InetSocketAddress closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
  }

  @Test
  void noListenerIsUnableToConnectNamingTheAddressAndTheOption() throws IOException {
    InetSocketAddress closed = closedPort();
    MeridianException e = assertThrows(MeridianException.class,
        () -> PeerConnector.connect(List.of(closed), 2000, 1 << 20));
    assertEquals(SqlState.CONNECTION_UNABLE_TO_CONNECT, e.state());
    assertTrue(e.getMessage().contains(String.valueOf(closed.getPort())), e.getMessage());
    assertTrue(e.getMessage().contains("connectTimeout"), e.getMessage());
  }

  @Test
  void aListenerThatNeverAnswersTheHandshakeTimesOutWithinTheConnectTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
      long start = System.nanoTime();
      MeridianException e = assertThrows(MeridianException.class,
          () -> PeerConnector.connect(List.of(address), 300, 1 << 20));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(SqlState.CONNECTION_UNABLE_TO_CONNECT, e.state());
      assertTrue(e.getMessage().contains("timed out"), e.getMessage());
      assertTrue(millis < 10_000, "gave up after " + millis + " ms");
    }
  }

  @Test
  void callsCompleteAndADroppedConnectionFailsThoseInFlight() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> servePingThenHangUp(server));
      PeerChannel ch = PeerConnector.connect(List.of(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort())), 5000, 1 << 20);
      assertEquals("test-region", ch.region());
      assertEquals("test-peer", ch.peer());
      Response pong = ch.call(new Request.Ping()).get(5, TimeUnit.SECONDS);
      assertEquals("test-region", ((Response.Pong) pong).region());

      // The fake peer hangs up on the next request: that call fails as a connection failure.
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> ch.call(new Request.GetCatalog()).get(5, TimeUnit.SECONDS));
      assertEquals(SqlState.CONNECTION_FAILURE, ((MeridianException) e.getCause()).state());
      peer.get(5, TimeUnit.SECONDS);
      assertFalse(ch.isOpen());
      ch.close();
    }
  }

  private static void servePingThenHangUp(ServerSocket server) {
    try (Socket s = server.accept()) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      readFrame(in); // hello
      ByteBuf welcome = Unpooled.buffer();
      ProtocolCodec.encodeWelcome(new Welcome(ProtocolCodec.VERSION, "test-region", "test-peer", null), welcome);
      writeFrame(out, welcome);
      ByteBuf ping = Unpooled.wrappedBuffer(readFrame(in));
      int id = ProtocolCodec.decodeRequest(ping).requestId();
      ByteBuf pong = Unpooled.buffer();
      ProtocolCodec.encodeResponse(new ResponseFrame(id, new Response.Pong("test-region", "test-peer", 1)), pong);
      writeFrame(out, pong);
      readFrame(in); // the next request: hang up without answering
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    return body;
  }

  private static void writeFrame(OutputStream out, ByteBuf body) throws IOException {
    byte[] bytes = ByteBufUtil.getBytes(body);
    out.write(Unpooled.buffer(4).writeInt(bytes.length).array());
    out.write(bytes);
    out.flush();
  }
}
