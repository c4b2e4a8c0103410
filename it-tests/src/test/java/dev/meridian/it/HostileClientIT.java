package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testing.Deadline;
import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.RegionProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage bytes, oversized frames and half-open connections on the client port: each closes
 * (or costs) only its own connection; the peer keeps serving everyone else.
 */
class HostileClientIT {
  @TempDir
  Path dir;

  @Test
  void garbageAndHalfOpenConnectionsDoNotHurtOtherClients() throws Exception {
    long seed = System.nanoTime();
    System.out.println("HostileClientIT seed " + seed);
    Random random = new Random(seed);
    try (RegionProcesses region = RegionProcesses.start(dir, "us-east-1", 1)) {
      PeerProcess peer = region.peers().get(0);
      try (Connection good = DriverManager.getConnection(region.jdbcUrl());
          Statement s = good.createStatement()) {
        s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v VARCHAR(10))");
        s.executeUpdate("INSERT INTO t VALUES (1, 'one')");

        List<Socket> halfOpen = new ArrayList<>();
        try {
          // Connections that send half a frame and then nothing.
          for (int i = 0; i < 20; i++) {
            Socket h = new Socket(InetAddress.getLoopbackAddress(), peer.clientPort());
            h.getOutputStream().write(new byte[] {0, 0, 0, 50, 'M', 'R'});
            h.getOutputStream().flush();
            halfOpen.add(h);
          }
          // Random garbage, an HTTP request, and a frame claiming 2 GiB.
          List<byte[]> payloads = new ArrayList<>();
          // Each junk body arrives as one whole frame, so the peer has all of it and must
          // reject it at once rather than wait for the rest (then only the handshake deadline
          // would close it).
          for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + random.nextInt(512)];
            random.nextBytes(junk);
            payloads.add(ByteBuffer.allocate(4 + junk.length).putInt(junk.length).put(junk)
                .array());
          }
          payloads.add("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          payloads.add(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array());
          for (byte[] p : payloads) {
            try (Socket g = new Socket(InetAddress.getLoopbackAddress(), peer.clientPort())) {
              g.setSoTimeout(200);
              OutputStream out = g.getOutputStream();
              out.write(p);
              out.flush();
              assertClosedByPeer(g.getInputStream());
              assertClosedForWhatItSent(peer, g.getLocalPort());
            }
            // The well-behaved client is served between every attack.
            try (ResultSet rs = s.executeQuery("SELECT v FROM t WHERE k = 1")) {
              assertTrue(rs.next());
              assertEquals("one", rs.getString(1));
            }
          }
          // New clients still connect while the half-open sockets linger.
          try (Connection fresh = DriverManager.getConnection(region.jdbcUrl())) {
            assertTrue(fresh.isValid(5));
          }
        } finally {
          for (Socket h : halfOpen) {
            h.close();
          }
        }
        assertTrue(peer.isAlive());
        assertTrue(peer.logText().contains("closing"), "the peer logs what it closed");
      }
    }
  }

  /**
   * Reads until the peer closes the connection (maybe after a refusal frame). End of stream or
   * a reset is a close; a read that times out is not (the socket is still open), so the probe
   * keeps reading until the deadline.
   */
  private static void assertClosedByPeer(InputStream in) {
    Deadline.await("the peer to close a connection that sent garbage", Duration.ofSeconds(15), () -> {
      try {
        while (in.read() != -1) {
          // a refusal frame, read past
        }
        return Boolean.TRUE;
      } catch (SocketTimeoutException e) {
        return null; // still open
      } catch (SocketException e) {
        return Boolean.TRUE; // reset by peer
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /**
   * The peer's log names this connection (its port) as closed for what it sent, not for missing
   * the handshake deadline: a peer that ignored the garbage and let the deadline clean up would
   * pass {@link #assertClosedByPeer} after 10 s.
   */
  private static void assertClosedForWhatItSent(PeerProcess peer, int localPort) {
    String line = Deadline.await("the peer to log why it closed port " + localPort,
        Duration.ofSeconds(15), () -> peer.logText().lines()
            .filter(l -> l.matches(".*closing /127\\.0\\.0\\.1:" + localPort + "\\b.*"))
            .findFirst().orElse(null));
    assertFalse(line.contains("no handshake"), line);
  }
}
