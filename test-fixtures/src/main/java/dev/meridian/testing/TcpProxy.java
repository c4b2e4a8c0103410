package dev.meridian.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP forwarder on a loopback port, standing between two regions so a test can partition the
 * network for real: {@link #cut()} closes every forwarded connection and stops listening, so
 * new connections are refused; {@link #heal()} listens again on the same port. {@link #hold()}
 * keeps every connection open but forwards nothing until {@link #release()}: to the client, a
 * server that has stopped answering. Bytes are copied unchanged in both directions, one thread
 * per direction per connection (blocking {@code java.net}: a handful of links, no need for
 * more).
 *
 * <p>Thread-safe: {@code cut}, {@code heal} and {@code close} may be called from any thread and
 * are serialized among themselves.
 */
public final class TcpProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
  private static final int CONNECT_TIMEOUT_MS = 2_000;

  private final String name;
  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final Object holding = new Object();
  private boolean held;
  private ServerSocket server;
  private boolean closed;

  private TcpProxy(String name, InetSocketAddress target, ServerSocket server) {
    this.name = name;
    this.target = target;
    this.server = server;
    this.port = server.getLocalPort();
  }

  /**
   * Listens on a free loopback port and forwards every connection to {@code target}.
   *
   * @param name names the proxy's threads and log lines, e.g. {@code us-east-1->eu-west-1-peer-1}
   */
  public static TcpProxy start(String name, InetSocketAddress target) {
    TcpProxy proxy = new TcpProxy(name, target, bind(0));
    proxy.acceptOn(proxy.server);
    return proxy;
  }

  private static ServerSocket bind(int port) {
    try {
      ServerSocket s = new ServerSocket();
      // Rebinding the port after a cut must not wait for the closed connections' TIME_WAIT.
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on loopback port " + port, e);
    }
  }

  /** The port this proxy listens on (the same after every heal). */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Connections accepted and forwarded so far. */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Whether the proxy is cut (or closed). */
  public synchronized boolean isCut() {
    return server == null;
  }

  /** Closes every forwarded connection and stops listening: new connections are refused. */
  public synchronized void cut() {
    if (server != null) {
      closeQuietly(server);
      server = null;
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** Stops forwarding bytes (in both directions) until {@link #release()}; connections stay open. */
  public void hold() {
    synchronized (holding) {
      held = true;
    }
  }

  /** Forwards again, starting with what arrived while held; idempotent. */
  public void release() {
    synchronized (holding) {
      held = false;
      holding.notifyAll();
    }
  }

  private void awaitReleased() throws InterruptedIOException {
    synchronized (holding) {
      while (held) {
        try {
          holding.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while held");
        }
      }
    }
  }

  /** Listens again on the same port; idempotent. */
  public synchronized void heal() {
    if (closed || server != null) {
      return;
    }
    server = bind(port);
    acceptOn(server);
  }

  private void acceptOn(ServerSocket listening) {
    Thread t = new Thread(() -> {
      while (true) {
        Socket client;
        try {
          client = listening.accept();
        } catch (IOException e) {
          return; // cut or closed
        }
        forward(client);
      }
    }, "proxy-accept-" + name);
    t.setDaemon(true);
    t.start();
  }

  private void forward(Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(target, CONNECT_TIMEOUT_MS);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    } catch (IOException e) {
      // The target is down: the client sees its connection closed, as with no proxy at all
      // it would see a refusal.
      LOG.debug("proxy {}: {} unreachable: {}", name, target, e.toString());
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    synchronized (this) {
      if (server == null) {
        // Cut while connecting upstream.
        closeQuietly(client);
        closeQuietly(upstream);
        return;
      }
      open.add(client);
      open.add(upstream);
    }
    accepted.incrementAndGet();
    pump(client, upstream, "up");
    pump(upstream, client, "down");
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          awaitReleased();
          out.write(buffer, 0, n);
        }
      } catch (SocketException e) {
        // closed by a cut or by the other direction's end
      } catch (IOException e) {
        LOG.debug("proxy {} {}: {}", name, direction, e.toString());
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "proxy-" + direction + "-" + name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }

  /** Cuts for good. */
  @Override
  public synchronized void close() {
    release();
    closed = true;
    cut();
  }

  @Override
  public String toString() {
    return "proxy " + name + " " + address() + " -> " + target.getHostString() + ":"
        + target.getPort();
  }
}
