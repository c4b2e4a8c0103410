package dev.meridian.driver.internal;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Frames;
import dev.meridian.protocol.wire.ProtocolCodec;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Plan;
import dev.meridian.sql.api.SqlPlanner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the time a point select through a cached {@link PreparedStatement} spends in Meridian's
 * client-side SQL layer, without the network. The driver runs as it does for an application
 * (real planner and plan cache, binding, coercion, result set), but its one connection is an
 * in-memory channel that encodes each request into protocol bytes and answers at once from a
 * fixed row: so {@link #pointSelect} is parse-cache hit + bind + plan + request encoding +
 * reading the row, and {@link #planCacheHit} is the planner's cache lookup alone.
 *
 * <p>It lives in the driver's package to reach the seam where the driver opens its channel
 * ({@link Connector}'s package-private constructor); it is not part of the driver artifact.
 * Run with {@code bin/bench sql-layer}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SqlLayerBench {
  static final String SELECT = "SELECT v FROM kv WHERE k = ?";
  static final TableSchema KV = new TableSchema(1, "KV", List.of(
      new ColumnDef("K", ColumnType.of(TypeKind.BIGINT), false),
      new ColumnDef("V", ColumnType.of(TypeKind.VARCHAR, 40), true)),
      List.of(0), ConflictResolution.CELL);

  private Connection connection;
  private PreparedStatement select;
  private SqlPlanner planner;
  private Catalog catalog;
  private long key;

  /** Opens a connection on the in-memory channel and prepares the select once. */
  @Setup
  public void setUp() throws SQLException {
    InstantChannel channel = new InstantChannel();
    Connector connector = new Connector((peers, connectTimeout, maxFrame) -> channel,
        () -> null, SqlPlannerAdapter::new);
    connection = connector.connect("jdbc:meridian://bench=127.0.0.1:1/?region=bench",
        new Properties());
    select = connection.prepareStatement(SELECT);
    planner = new SqlPlanner(1000);
    catalog = new Catalog() {
      @Override
      public TableSchema table(String name) {
        return name.equals(KV.name()) ? KV : null;
      }

      @Override
      public long version() {
        return 1;
      }
    };
  }

  @TearDown
  public void tearDown() throws SQLException {
    connection.close();
  }

  /** Bind, execute (plan cache hit, request built and encoded), read the one value. */
  @Benchmark
  public String pointSelect() throws SQLException {
    return selectOne(select, key++ & 1023);
  }

  /** Binds a key to the prepared {@link #SELECT}, runs it and reads its one value. */
  static String selectOne(PreparedStatement select, long key) throws SQLException {
    select.setLong(1, key);
    try (ResultSet rs = select.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The planner's cache hit for the same SQL text. */
  @Benchmark
  public Plan planCacheHit() {
    return planner.plan(SELECT, catalog);
  }

  /**
   * A channel that answers every call before returning: the catalog, one row per key read, and
   * a pong; each request is first encoded as the real channel would send it.
   */
  static final class InstantChannel implements PeerChannel {
    private final ByteBuf buffer = Unpooled.buffer(256);
    private int requestId;

    @Override
    public synchronized CompletableFuture<Response> call(Request request) {
      buffer.clear();
      ProtocolCodec.encodeRequest(new Frames.RequestFrame(++requestId, request), buffer);
      if (request instanceof Request.GetCatalog) {
        return CompletableFuture.completedFuture(new Response.Catalog(List.of(KV)));
      }
      if (request instanceof Request.Get g) {
        List<Object[]> rows = new ArrayList<>(g.keys().size());
        for (Object[] k : g.keys()) {
          rows.add(new Object[] {k[0], "value"});
        }
        return CompletableFuture.completedFuture(new Response.Rows(rows));
      }
      if (request instanceof Request.Ping) {
        return CompletableFuture.completedFuture(new Response.Pong("bench", "bench-1", 1));
      }
      return CompletableFuture.completedFuture(new Response.Error(SqlState.PROTOCOL_VIOLATION,
          "the benchmark channel does not answer " + request.getClass().getSimpleName()));
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public String region() {
      return "bench";
    }

    @Override
    public String peer() {
      return "bench-1";
    }

    @Override
    public void close() {}
  }
}
