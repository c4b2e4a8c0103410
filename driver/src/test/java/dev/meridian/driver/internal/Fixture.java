package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.net.PeerChannel;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Operand;
import dev.meridian.sql.api.Plan;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A driver wired to a {@link FakePeer} and a planner that knows a fixed set of statements: the
 * table {@code ALL_TYPES} (a BIGINT key and one column of each of the 13 types) and the table
 * {@code KV} (BIGINT key, VARCHAR(10) value).
 */
final class Fixture {
  static final String URL =
      "jdbc:meridian://us-east-1=h1:7400,h2:7401;eu-west-1=h3/?region=us-east-1";

  static final String CREATE_ALL = "CREATE TABLE ALL_TYPES (...)";
  static final String CREATE_ALL_IF = "CREATE TABLE IF NOT EXISTS ALL_TYPES (...)";
  static final String DROP_ALL = "DROP TABLE ALL_TYPES";
  static final String DROP_ALL_IF = "DROP TABLE IF EXISTS ALL_TYPES";
  static final String INSERT_ALL = "INSERT INTO ALL_TYPES VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  static final String SELECT_ALL = "SELECT * FROM ALL_TYPES WHERE ID = ?";
  static final String SELECT_IN = "SELECT ID, C_VARCHAR AS NAME FROM ALL_TYPES WHERE ID IN (?,?,?)";
  static final String UPDATE_VARCHAR = "UPDATE ALL_TYPES SET C_VARCHAR = ? WHERE ID = ?";
  static final String DELETE_ALL = "DELETE FROM ALL_TYPES WHERE ID = ?";
  static final String CONSTANT = "SELECT 1 AS ONE, 'x' AS S";
  static final String INSERT_KV = "INSERT INTO KV VALUES (?, ?)";
  static final String INSERT_KV2 = "INSERT INTO KV VALUES (?, ?), (?, ?)";
  static final String UPSERT_KV = "UPSERT INTO KV VALUES (?, ?)";
  static final String SELECT_KV = "SELECT V FROM KV WHERE K = ?";

  final FakePeer peer = new FakePeer();
  final FakePlanner planner = new FakePlanner();
  final List<FakeChannel> opened = new ArrayList<>();
  final List<List<InetSocketAddress>> dialed = new ArrayList<>();
  private final Deque<FakeChannel> queued = new ArrayDeque<>();
  final Connector connector = new Connector(this::open, () -> null, size -> planner);

  Fixture() {
    planner.on(CREATE_ALL, c -> new Plan.CreateTable(allTypes(), false));
    planner.on(CREATE_ALL_IF, c -> new Plan.CreateTable(allTypes(), true));
    planner.on(DROP_ALL, c -> new Plan.DropTable("ALL_TYPES", false));
    planner.on(DROP_ALL_IF, c -> new Plan.DropTable("ALL_TYPES", true));
    planner.on(INSERT_ALL, c -> {
      TableSchema t = table(c, "ALL_TYPES");
      List<Operand> values = new ArrayList<>();
      List<ColumnType> types = new ArrayList<>();
      int[] columns = new int[t.columnCount()];
      for (int i = 0; i < t.columnCount(); i++) {
        values.add(new Operand.Parameter(i, t.column(i).type()));
        types.add(t.column(i).type());
        columns[i] = i;
      }
      return new Plan.Write(t, WriteKind.INSERT, List.of(new Plan.RowTemplate(
          List.of(values.get(0)), columns, values)), types);
    });
    planner.on(SELECT_ALL, c -> {
      TableSchema t = table(c, "ALL_TYPES");
      int[] projection = new int[t.columnCount()];
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < projection.length; i++) {
        projection[i] = i;
        labels.add(t.column(i).name());
      }
      ColumnType bigint = ColumnType.of(TypeKind.BIGINT);
      return new Plan.PointSelect(t, List.of(List.of(new Operand.Parameter(0, bigint))),
          projection, labels, List.of(bigint));
    });
    planner.on(SELECT_IN, c -> {
      TableSchema t = table(c, "ALL_TYPES");
      ColumnType bigint = ColumnType.of(TypeKind.BIGINT);
      return new Plan.PointSelect(t, List.of(List.of(new Operand.Parameter(0, bigint)),
          List.of(new Operand.Parameter(1, bigint)), List.of(new Operand.Parameter(2, bigint))),
          new int[] {0, 4}, List.of("ID", "NAME"), List.of(bigint, bigint, bigint));
    });
    planner.on(UPDATE_VARCHAR, c -> {
      TableSchema t = table(c, "ALL_TYPES");
      ColumnType varchar = t.column(4).type();
      ColumnType bigint = ColumnType.of(TypeKind.BIGINT);
      return new Plan.Write(t, WriteKind.UPDATE, List.of(new Plan.RowTemplate(
          List.of(new Operand.Parameter(1, bigint)), new int[] {4},
          List.of(new Operand.Parameter(0, varchar)))), List.of(varchar, bigint));
    });
    planner.on(DELETE_ALL, c -> {
      TableSchema t = table(c, "ALL_TYPES");
      ColumnType bigint = ColumnType.of(TypeKind.BIGINT);
      return new Plan.Write(t, WriteKind.DELETE, List.of(new Plan.RowTemplate(
          List.of(new Operand.Parameter(0, bigint)), new int[0], List.of())), List.of(bigint));
    });
    planner.on(CONSTANT, c -> new Plan.Constant(
        List.of(List.of(new Operand.Literal(1), new Operand.Literal("x"))), List.of("ONE", "S"),
        List.of(ColumnType.of(TypeKind.INTEGER), ColumnType.of(TypeKind.VARCHAR, 1)), List.of()));
    planner.on(INSERT_KV, c -> kvWrite(c, WriteKind.INSERT, 1));
    planner.on(INSERT_KV2, c -> kvWrite(c, WriteKind.INSERT, 2));
    planner.on(UPSERT_KV, c -> kvWrite(c, WriteKind.UPSERT, 1));
    planner.on(SELECT_KV, c -> {
      TableSchema t = table(c, "KV");
      ColumnType bigint = ColumnType.of(TypeKind.BIGINT);
      return new Plan.PointSelect(t, List.of(List.of(new Operand.Parameter(0, bigint))),
          new int[] {1}, List.of("V"), List.of(bigint));
    });
  }

  static TableSchema allTypes() {
    return new TableSchema(0, "ALL_TYPES", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("C_BIGINT", ColumnType.of(TypeKind.BIGINT), true),
        new ColumnDef("C_INTEGER", ColumnType.of(TypeKind.INTEGER), true),
        new ColumnDef("C_SMALLINT", ColumnType.of(TypeKind.SMALLINT), true),
        new ColumnDef("C_VARCHAR", ColumnType.of(TypeKind.VARCHAR, 20), true),
        new ColumnDef("C_CHAR", ColumnType.of(TypeKind.CHAR, 5), true),
        new ColumnDef("C_BOOLEAN", ColumnType.of(TypeKind.BOOLEAN), true),
        new ColumnDef("C_DOUBLE", ColumnType.of(TypeKind.DOUBLE), true),
        new ColumnDef("C_REAL", ColumnType.of(TypeKind.REAL), true),
        new ColumnDef("C_DECIMAL", ColumnType.decimal(10, 2), true),
        new ColumnDef("C_DATE", ColumnType.of(TypeKind.DATE), true),
        new ColumnDef("C_TIME", ColumnType.of(TypeKind.TIME), true),
        new ColumnDef("C_TIMESTAMP", ColumnType.of(TypeKind.TIMESTAMP), true),
        new ColumnDef("C_VARBINARY", ColumnType.of(TypeKind.VARBINARY, 16), true)),
        List.of(0), ConflictResolution.CELL);
  }

  static TableSchema kv() {
    return new TableSchema(0, "KV", List.of(
        new ColumnDef("K", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("V", ColumnType.of(TypeKind.VARCHAR, 10), true)),
        List.of(0), ConflictResolution.CELL);
  }

  private static Plan kvWrite(Catalog c, WriteKind kind, int rows) {
    TableSchema t = table(c, "KV");
    ColumnType bigint = ColumnType.of(TypeKind.BIGINT);
    ColumnType varchar = t.column(1).type();
    List<Plan.RowTemplate> templates = new ArrayList<>();
    List<ColumnType> types = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      Operand k = new Operand.Parameter(2 * r, bigint);
      templates.add(new Plan.RowTemplate(List.of(k), new int[] {0, 1},
          List.of(k, new Operand.Parameter(2 * r + 1, varchar))));
      types.add(bigint);
      types.add(varchar);
    }
    return new Plan.Write(t, kind, templates, types);
  }

  /** Registers {@code sql} as an INSERT of literal rows into KV: {key, value} pairs. */
  void insertKvLiterals(String sql, Object... keyValuePairs) {
    planner.on(sql, c -> {
      TableSchema t = table(c, "KV");
      List<Plan.RowTemplate> templates = new ArrayList<>();
      for (int i = 0; i < keyValuePairs.length; i += 2) {
        Operand k = new Operand.Literal(keyValuePairs[i]);
        templates.add(new Plan.RowTemplate(List.of(k), new int[] {0, 1},
            List.of(k, new Operand.Literal(keyValuePairs[i + 1]))));
      }
      return new Plan.Write(t, WriteKind.INSERT, templates, List.of());
    });
  }

  static TableSchema table(Catalog c, String name) {
    TableSchema t = c.table(name);
    if (t == null) {
      throw new MeridianException(SqlState.UNDEFINED_TABLE, "table " + name + " does not exist",
          new dev.meridian.protocol.error.SqlPosition(1, 15), null);
    }
    return t;
  }

  /** Hands out the next queued channel, or a fresh immediate one. */
  synchronized PeerChannel open(List<InetSocketAddress> peers, int connectTimeout, int maxFrame) {
    dialed.add(List.copyOf(peers));
    FakeChannel ch = queued.isEmpty()
        ? new FakeChannel(peer, "us-east-1", "peer-" + (opened.size() + 1)) : queued.poll();
    opened.add(ch);
    return ch;
  }

  /** Queues a channel for the next connect or reconnect. */
  synchronized FakeChannel queue(FakeChannel.Mode mode) {
    FakeChannel ch = new FakeChannel(peer, "us-east-1", "peer-q" + (queued.size() + 1));
    ch.mode(mode);
    queued.add(ch);
    return ch;
  }

  synchronized FakeChannel channel(int i) {
    return opened.get(i);
  }

  MeridianConnection connect() throws SQLException {
    return connect(new Properties());
  }

  /**
   * Connects with {@code routing=local} unless the properties say otherwise: these fake peers
   * all serve one region, and a routing group's background probes would open channels of
   * their own; routing is tested against real peers.
   */
  MeridianConnection connect(Properties info) throws SQLException {
    Properties p = new Properties();
    p.putAll(info);
    p.putIfAbsent("routing", "local");
    Connection c = connector.connect(URL, p);
    return (MeridianConnection) c;
  }

  /** A planner answering registered SQL texts; anything else is a syntax error. */
  static final class FakePlanner implements StatementPlanner {
    private final Map<String, Function<Catalog, Plan>> plans = new ConcurrentHashMap<>();
    volatile int calls;

    void on(String sql, Function<Catalog, Plan> plan) {
      plans.put(sql, plan);
    }

    @Override
    public Plan plan(String sql, Catalog catalog) {
      calls++;
      Function<Catalog, Plan> p = plans.get(sql);
      if (p == null) {
        throw new MeridianException(SqlState.SYNTAX_ERROR, "syntax error near '" + sql + "'",
            new dev.meridian.protocol.error.SqlPosition(1, 1), null);
      }
      return p.apply(catalog);
    }
  }
}
