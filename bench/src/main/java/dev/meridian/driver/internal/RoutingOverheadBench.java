package dev.meridian.driver.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: what routing adds to a statement. The same point select through a cached
 * {@link PreparedStatement} as {@link SqlLayerBench} (in-memory channels that encode each
 * request and answer at once), on a connection to three regions, once with {@code
 * routing=local} (no policy: home and nowhere else) and once with the default policy (the
 * shared {@link RoutingGroup}, its prober running, session consistency on); the difference of
 * {@link #pointSelect} between the two is the routing overhead per statement.
 * {@link #routeOnly} times the routing decision alone: policy plan, session check, channel
 * lookup, round-trip sample, with a request body that does nothing.
 *
 * <p>Run with {@code bin/bench routing}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class RoutingOverheadBench {
  static final String URL = "jdbc:meridian://us-east-1=127.0.0.1:1;eu-west-1=127.0.0.1:2;"
      + "ap-southeast-1=127.0.0.1:3/?region=us-east-1";

  /** {@code local}: routing=local; {@code default}: the default policy. */
  @Param({"local", "default"})
  public String routing;

  private Connection connection;
  private PreparedStatement select;
  private RegionRouter router;
  private Execution execution;
  private long key;

  @Setup
  public void setUp() throws SQLException {
    Connector connector = new Connector(
        (peers, connectTimeout, maxFrame) -> new SqlLayerBench.InstantChannel(), () -> null,
        SqlPlannerAdapter::new);
    connection = connector.connect(URL + (routing.equals("local") ? "&routing=local" : ""),
        new Properties());
    select = connection.prepareStatement(SqlLayerBench.SELECT);
    router = ((MeridianConnection) connection).executor().router();
    execution = new Execution(0, 0);
  }

  @TearDown
  public void tearDown() throws SQLException {
    connection.close();
  }

  /** Bind, route, execute, read the one value. */
  @Benchmark
  public String pointSelect() throws SQLException {
    return SqlLayerBench.selectOne(select, key++ & 1023);
  }

  /** The routing decision of one point read, with a request body that does nothing. */
  @Benchmark
  public ServingChannel routeOnly() {
    return router.run(RegionRouter.Call.POINT_READ, null, execution, ch -> ch);
  }
}
