package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.auth.Authenticator;
import dev.meridian.protocol.auth.Scram;
import dev.meridian.protocol.auth.ScramVerifier;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.Credentials;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SCRAM-SHA-256 login through both handshakes, on {@link EmbeddedChannel}s whose outbound
 * bytes are carried to the other side by hand: the user is set on the server's channel only
 * after a correct proof, a wrong password is refused with {@code 28P01} only after the
 * authenticator's delay, and a client without credentials is told what is missing.
 */
class ScramHandshakeTest {
  static final ScramVerifier ALICE = Scram.verifier("correct horse");

  /** An authenticator that knows alice, records failures and asks for a 500 ms delay. */
  static final class Recorder implements Authenticator {
    final List<String> failures = new ArrayList<>();
    final List<String> successes = new ArrayList<>();

    @Override
    public ScramVerifier verifier(String user) {
      return user.equals("alice") ? ALICE : null;
    }

    @Override
    public byte[] decoySecret() {
      return new byte[32];
    }

    @Override
    public long failed(SocketAddress from, String user) {
      failures.add(user);
      return 500;
    }

    @Override
    public void succeeded(SocketAddress from, String user) {
      successes.add(user);
    }
  }

  private static EmbeddedChannel server(Authenticator auth) {
    return new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16), FrameCodecs.framePrepender(),
        new ServerHandshake("eu-west-1", "p1", PortRole.DRIVER, auth),
        new FrameCodecs.RequestDecoder(), new FrameCodecs.ResponseEncoder());
  }

  private static EmbeddedChannel client(ClientHandshake handshake) {
    return new EmbeddedChannel(FrameCodecs.frameDecoder(1 << 16), FrameCodecs.framePrepender(),
        handshake, new FrameCodecs.ResponseDecoder());
  }

  /** Moves every outbound byte of {@code from} into {@code to}; whether any moved. */
  private static boolean carry(EmbeddedChannel from, EmbeddedChannel to) {
    boolean any = false;
    ByteBuf b;
    while ((b = from.readOutbound()) != null) {
      to.writeInbound(b);
      any = true;
    }
    return any;
  }

  private static void converse(EmbeddedChannel client, EmbeddedChannel server) {
    while (carry(client, server) | carry(server, client)) {
      // until both are quiet
    }
  }

  @Test
  void theRightPasswordLogsInAndNamesTheUser() {
    Recorder auth = new Recorder();
    ClientHandshake handshake = new ClientHandshake("c", PortRole.DRIVER,
        new Credentials("alice", "correct horse"));
    EmbeddedChannel client = client(handshake);
    EmbeddedChannel server = server(auth);
    converse(client, server);
    assertEquals("p1", handshake.welcome().join().peer());
    assertEquals("alice", server.attr(ServerHandshake.USER).get());
    assertNull(server.pipeline().get(ServerHandshake.class));
    assertEquals(List.of("alice"), auth.successes);
    assertTrue(auth.failures.isEmpty());
  }

  @Test
  void aWrongPasswordIsRefusedWith28P01AfterTheDelay() throws Exception {
    Recorder auth = new Recorder();
    ClientHandshake handshake = new ClientHandshake("c", PortRole.DRIVER,
        new Credentials("alice", "wrong horse"));
    EmbeddedChannel client = client(handshake);
    EmbeddedChannel server = server(auth);
    server.freezeTime(); // the delay runs on the channel's clock, moved by hand only
    converse(client, server);
    assertFalse(handshake.welcome().isDone(), "answered before the delay");
    assertEquals(List.of("alice"), auth.failures);
    server.advanceTimeBy(499, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    converse(client, server);
    assertFalse(handshake.welcome().isDone(), "answered before the delay");
    server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    converse(client, server);
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, () -> handshake.welcome().join());
    MeridianException m = (MeridianException) e.getCause();
    assertEquals(SqlState.INVALID_PASSWORD, m.state());
    assertEquals("password authentication failed for user \"alice\"", m.getMessage());
    assertNull(server.attr(ServerHandshake.USER).get());
    assertFalse(server.isOpen());
  }

  @Test
  void anUnknownUserLooksLikeAWrongPassword() {
    Recorder auth = new Recorder();
    ClientHandshake handshake = new ClientHandshake("c", PortRole.DRIVER,
        new Credentials("mallory", "x"));
    EmbeddedChannel client = client(handshake);
    EmbeddedChannel server = server(auth);
    converse(client, server);
    server.advanceTimeBy(500, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    converse(client, server);
    MeridianException m = (MeridianException) org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, () -> handshake.welcome().join()).getCause();
    assertEquals(SqlState.INVALID_PASSWORD, m.state());
    assertEquals(List.of("mallory"), auth.failures);
  }

  @Test
  void aClientWithoutCredentialsIsToldToGiveThem() {
    ClientHandshake handshake = new ClientHandshake("c");
    EmbeddedChannel client = client(handshake);
    EmbeddedChannel server = server(new Recorder());
    converse(client, server);
    MeridianException m = (MeridianException) org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, () -> handshake.welcome().join()).getCause();
    assertEquals(SqlState.INVALID_AUTHORIZATION, m.state());
    assertTrue(m.getMessage().contains("requires a user name and password"), m.getMessage());
  }

  @Test
  void credentialsOfferedToAPeerWithoutUsersAreIgnored() {
    ClientHandshake handshake = new ClientHandshake("c", PortRole.DRIVER,
        new Credentials("alice", "anything"));
    EmbeddedChannel client = client(handshake);
    EmbeddedChannel server = server(null);
    converse(client, server);
    assertEquals("eu-west-1", handshake.welcome().join().region());
    assertNull(server.attr(ServerHandshake.USER).get());
  }
}
