package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import dev.meridian.testing.Deadline;
import dev.meridian.testing.PeerProcess;
import dev.meridian.testing.RegionProcesses;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients over a real two-peer region: a HikariCP pool that validates with
 * {@code Connection.isValid} and watches for leaks, and JDBI on top of that pool.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolAndJdbiIT {
  private static final int POOL_SIZE = 4;
  private static final int THREADS = 8;
  private static final int ROWS_PER_THREAD = 40;
  private static final String LEAK_LINE = "Connection leak detection triggered";
  /**
   * The pool's leak threshold: far above any legitimate hold on a loaded machine, so only a
   * connection that is really not returned gets reported (and {@link #stop} also checks that
   * every borrowed connection came back).
   */
  private static final long LEAK_THRESHOLD_MS = 60_000;
  /** The thread that holds a connection of the control pool on purpose. */
  private static final String HOLDER = "holds-a-connection-on-purpose";

  @TempDir
  static Path dir;
  static RegionProcesses region;
  static HikariDataSource pool;
  static LogTap log;

  @BeforeAll
  static void start() {
    log = LogTap.onSystemErr();
    region = RegionProcesses.start(dir, "us-east-1", 2);
    HikariConfig config = new HikariConfig();
    config.setPoolName("meridian-it");
    config.setJdbcUrl(region.jdbcUrl() + "&connectTimeout=2000");
    // No connectionTestQuery: the pool must validate with Connection.isValid.
    config.setMaximumPoolSize(POOL_SIZE);
    config.setLeakDetectionThreshold(LEAK_THRESHOLD_MS);
    config.setConnectionTimeout(10_000);
    config.setValidationTimeout(2_000);
    config.setExceptionOverrideClassName(KeepConnectionOnUnsupportedSql.class.getName());
    pool = new HikariDataSource(config);
  }

  @AfterAll
  static void stop() {
    try {
      if (pool != null) {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        Deadline.await("every borrowed connection back in the pool", Duration.ofSeconds(30),
            () -> mx.getActiveConnections() == 0);
        assertNoLeakReported();
      }
    } finally {
      if (pool != null) {
        pool.close();
      }
      if (region != null) {
        region.close();
      }
      if (log != null) {
        log.close();
      }
    }
  }

  /** No leak report but the control's (which names its holder thread). */
  private static void assertNoLeakReported() {
    List<String> reports = log.text().lines()
        .filter(l -> l.contains(LEAK_LINE) && !l.contains("on thread " + HOLDER))
        .toList();
    assertTrue(reports.isEmpty(), String.join("\n", reports));
  }

  /** Bean for {@code mapToBean}: JDBI matches the driver's upper-case labels ignoring case. */
  public static final class PersonBean {
    private long id;
    private String name;
    private Integer age;

    public long getId() {
      return id;
    }

    public void setId(long id) {
      this.id = id;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Integer getAge() {
      return age;
    }

    public void setAge(Integer age) {
      this.age = age;
    }
  }

  /**
   * HikariCP counts SQLState {@code 0A000} among the states of a broken connection and evicts
   * the connection; Meridian uses it for SQL it does not support yet, on a healthy connection.
   */
  public static final class KeepConnectionOnUnsupportedSql implements SQLExceptionOverride {
    @java.lang.Override // the interface's nested enum Override shadows the annotation's name
    public Override adjudicate(SQLException e) {
      return e instanceof SQLFeatureNotSupportedException ? Override.DO_NOT_EVICT : Override.CONTINUE_EVICT;
    }
  }

  /** Record for {@code ConstructorMapper}. */
  public record Person(long id, String name, Integer age) {}

  @Test
  @Order(1)
  void manyThreadsDoPointCrudThroughThePool() throws Exception {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE pooled (id BIGINT PRIMARY KEY, owner INTEGER, note VARCHAR(40))");
    }
    runCrud(0);

    HikariPoolMXBean mx = pool.getHikariPoolMXBean();
    Deadline.await("every borrowed connection back in the pool", Duration.ofSeconds(10),
        () -> mx.getActiveConnections() == 0);
    assertEquals(POOL_SIZE, mx.getTotalConnections(), "the pool fills to its maximum");
    assertEquals(POOL_SIZE, mx.getIdleConnections());
    assertEquals(0, mx.getThreadsAwaitingConnection());
    assertNoLeakReported();
  }

  @Test
  @Order(2)
  void jdbiDoesCrudWithNamedParametersMappersAndLists() {
    Jdbi jdbi = Jdbi.create(pool);
    jdbi.useHandle(h -> h.execute(
        "CREATE TABLE people (id BIGINT PRIMARY KEY, name VARCHAR(40), age INTEGER)"));

    int inserted = jdbi.withHandle(h -> h.createUpdate(
            "INSERT INTO people (id, name, age) VALUES (:id, :name, :age)")
        .bind("id", 1L).bind("name", "ann").bind("age", 31)
        .execute());
    assertEquals(1, inserted);
    int[] batch = jdbi.withHandle(h -> {
      PreparedBatch b = h.prepareBatch("INSERT INTO people (id, name, age) VALUES (:id, :name, :age)");
      // A batch keeps the argument type of its first row, so the null is typed as Integer.
      b.bind("id", 2L).bind("name", "bob").bind("age", (Integer) null).add();
      b.bind("id", 3L).bind("name", "cy").bind("age", 7).add();
      return b.execute();
    });
    assertEquals(2, batch.length);
    assertEquals(1, batch[0]);
    assertEquals(1, batch[1]);

    PersonBean ann = jdbi.withHandle(h -> h.createQuery("SELECT id, name, age FROM people WHERE id = :id")
        .bind("id", 1L).mapToBean(PersonBean.class).one());
    assertEquals(1L, ann.getId());
    assertEquals("ann", ann.getName());
    assertEquals(31, ann.getAge());

    Person bob = jdbi.withHandle(h -> h.registerRowMapper(ConstructorMapper.factory(Person.class))
        .createQuery("SELECT * FROM people WHERE id = :id").bind("id", 2L)
        .mapTo(Person.class).one());
    assertEquals(new Person(2L, "bob", null), bob);

    Set<Person> some = jdbi.withHandle(h -> h.registerRowMapper(ConstructorMapper.factory(Person.class))
        .createQuery("SELECT id, name, age FROM people WHERE id IN (<ids>)")
        .bindList("ids", List.of(1L, 3L, 99L))
        .mapTo(Person.class).set());
    assertEquals(Set.of(new Person(1L, "ann", 31), new Person(3L, "cy", 7)), some);

    assertEquals(1, (int) jdbi.withHandle(h -> h.createUpdate("UPDATE people SET age = :age WHERE id = :id")
        .bind("age", 32).bind("id", 1L).execute()));
    assertEquals(0, (int) jdbi.withHandle(h -> h.createUpdate("UPDATE people SET age = :age WHERE id = :id")
        .bind("age", 1).bind("id", 99L).execute()));
    assertEquals(Integer.valueOf(32), jdbi.withHandle(h -> h.createQuery("SELECT age FROM people WHERE id = :id")
        .bind("id", 1L).mapTo(Integer.class).one()));

    assertEquals(1, (int) jdbi.withHandle(h -> h.createUpdate("DELETE FROM people WHERE id = :id")
        .bind("id", 3L).execute()));
    assertEquals(0, (int) jdbi.withHandle(h -> h.createUpdate("DELETE FROM people WHERE id = :id")
        .bind("id", 3L).execute()));
    assertTrue(jdbi.withHandle(h -> h.createQuery("SELECT name FROM people WHERE id = :id")
        .bind("id", 3L).mapTo(String.class).findOne()).isEmpty());
    assertNull(jdbi.withHandle(h -> h.createQuery("SELECT age FROM people WHERE id = :id")
        .bind("id", 2L).mapTo(Integer.class).one()));
    assertEquals("ok", jdbi.withHandle(h -> h.createQuery("SELECT 'ok'").mapTo(String.class).one()));
  }

  @Test
  @Order(3)
  void anUnsupportedQueryThroughJdbiCarriesTheDriversSqlState() {
    Jdbi jdbi = Jdbi.create(pool);
    jdbi.useHandle(h -> {
      h.execute("CREATE TABLE IF NOT EXISTS scores (id BIGINT PRIMARY KEY, points INTEGER)");
      // The driver rejects the query when it is prepared, so JDBI reports it as a failure to
      // create the statement; either way the cause is the driver's SQLException.
      StatementException e = assertThrows(StatementException.class,
          () -> h.createQuery("SELECT id, RANK() OVER (ORDER BY points) FROM scores"
              + " WHERE points > :min").bind("min", 10).mapTo(Long.class).list());
      SQLException cause = assertInstanceOfSqlException(e.getCause());
      assertEquals("0A000", cause.getSQLState(), cause.getMessage());
      // The handle, and the pooled connection under it, stay usable.
      assertEquals(1, h.createUpdate("UPSERT INTO scores VALUES (:id, :p)").bind("id", 1L).bind("p", 5).execute());
    });
    assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
    assertEquals(POOL_SIZE, pool.getHikariPoolMXBean().getTotalConnections());
  }

  @Test
  @Order(4)
  void jdbiTransactionsCommitTogetherAndRollBackOnFailure() throws SQLException {
    Jdbi jdbi = Jdbi.create(pool);
    jdbi.useHandle(h -> h.execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance INTEGER)"));
    int moved = jdbi.inTransaction(h -> {
      h.createUpdate("INSERT INTO accounts VALUES (:id, :b)").bind("id", 1L).bind("b", 100).execute();
      h.createUpdate("INSERT INTO accounts VALUES (:id, :b)").bind("id", 2L).bind("b", 0).execute();
      // Reads inside the transaction do not see its own writes: they wait for commit.
      assertTrue(h.createQuery("SELECT balance FROM accounts WHERE id = 1").mapTo(Integer.class)
          .findOne().isEmpty());
      return h.createUpdate("UPDATE accounts SET balance = :b WHERE id = :id").bind("b", 60)
          .bind("id", 1L).execute();
    });
    assertEquals(1, moved, "the row inserted earlier in the transaction counts as there");
    assertEquals(List.of(60, 0), jdbi.withHandle(h -> h.createQuery(
        "SELECT balance FROM accounts WHERE id IN (1, 2)").mapTo(Integer.class).list()));

    IllegalStateException boom = assertThrows(IllegalStateException.class, () ->
        jdbi.useTransaction(h -> {
          h.createUpdate("UPSERT INTO accounts VALUES (1, 0)").execute();
          h.createUpdate("DELETE FROM accounts WHERE id = 2").execute();
          throw new IllegalStateException("the application changed its mind");
        }));
    assertEquals("the application changed its mind", boom.getMessage());
    assertEquals(List.of(60, 0), jdbi.withHandle(h -> h.createQuery(
        "SELECT balance FROM accounts WHERE id IN (1, 2)").mapTo(Integer.class).list()),
        "rolled back: nothing of it was applied");

    // The pool hands connections back in autocommit mode, with nothing pending.
    try (Connection c = pool.getConnection()) {
      assertTrue(c.getAutoCommit());
    }
    assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
    assertNoLeakReported();
  }

  @Test
  @Order(5)
  void withoutTheOverrideHikariEvictsAConnectionOnUnsupportedSql() throws SQLException {
    // Documents why the pool above needs KeepConnectionOnUnsupportedSql.
    HikariConfig config = new HikariConfig();
    config.setPoolName("meridian-it-bare");
    config.setJdbcUrl(region.jdbcUrl());
    config.setMaximumPoolSize(1);
    try (HikariDataSource bare = new HikariDataSource(config)) {
      Jdbi.create(bare).useHandle(h -> {
        StatementException e = assertThrows(StatementException.class,
            () -> h.createQuery("SELECT id, RANK() OVER (ORDER BY points) FROM scores")
                .mapTo(Long.class).list());
        assertEquals("0A000", ((SQLException) e.getCause()).getSQLState());
        assertTrue(h.getConnection().isClosed(), "HikariCP marked the connection broken");
      });
    }
  }

  @Test
  @Order(6)
  void thePoolSurvivesAKilledPeer() throws Exception {
    PeerProcess victim = region.peers().get(0);
    victim.kill();
    assertFalse(victim.isAlive());
    // HikariCP validates a connection idle for over 500 ms with isValid, which redials the
    // surviving peer. Until Hazelcast drops the dead member, writes whose backup it held end
    // indeterminate (08006, on which HikariCP evicts the connection); a client retries those,
    // so wait for the region to take writes again.
    Deadline.await("the region to take writes after the kill", Duration.ofSeconds(60), () -> {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        for (int id = -1; id >= -16; id--) {
          s.executeUpdate("UPSERT INTO pooled VALUES (" + id + ", 0, 'probe')");
        }
        return Boolean.TRUE;
      } catch (SQLException e) {
        if (e.getSQLState() == null || !e.getSQLState().startsWith("08")) {
          throw new AssertionError("not a connection failure", e);
        }
        throw new IllegalStateException(e);
      }
    });
    runCrud(1_000_000);
    HikariPoolMXBean mx = pool.getHikariPoolMXBean();
    Deadline.await("every borrowed connection back in the pool", Duration.ofSeconds(10),
        () -> mx.getActiveConnections() == 0);
    Deadline.await("the pool to refill what it evicted", Duration.ofSeconds(30),
        () -> mx.getTotalConnections() == POOL_SIZE);
    assertNoLeakReported();
  }

  @Test
  @Order(7)
  void aHeldConnectionIsReportedAsALeak() throws Exception {
    // The positive control for the leak assertions above: the tap does see HikariCP's report.
    // A pool of its own with HikariCP's lowest threshold (2 s), held by a thread of its own.
    HikariConfig config = new HikariConfig();
    config.setPoolName("meridian-it-leak-control");
    config.setJdbcUrl(region.jdbcUrl() + "&connectTimeout=2000");
    config.setMaximumPoolSize(1);
    config.setLeakDetectionThreshold(2_000);
    try (HikariDataSource control = new HikariDataSource(config)) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread holder = new Thread(() -> {
        try (Connection c = control.getConnection()) {
          Deadline.await("HikariCP's leak report", Duration.ofSeconds(30),
              () -> log.text().contains("on thread " + HOLDER));
          assertTrue(c.isValid(2));
        } catch (Throwable t) {
          failure.set(t);
        }
      }, HOLDER);
      holder.start();
      holder.join(Duration.ofSeconds(60).toMillis());
      assertFalse(holder.isAlive(), "the holder did not finish");
      if (failure.get() != null) {
        throw new AssertionError("the leak control failed", failure.get());
      }
    }
  }

  private static SQLException assertInstanceOfSqlException(Throwable t) {
    assertTrue(t instanceof SQLException, String.valueOf(t));
    return (SQLException) t;
  }

  /** Each thread inserts, reads, updates, reads and deletes its own rows, borrowing per step. */
  private static void runCrud(long base) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int owner = t;
        work.add(threads.submit(() -> {
          for (int i = 0; i < ROWS_PER_THREAD; i++) {
            crudOneRow(base + owner * 10_000L + i, owner);
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  private static void crudOneRow(long id, int owner) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("INSERT INTO pooled VALUES (?, ?, ?)")) {
      p.setLong(1, id);
      p.setInt(2, owner);
      p.setString(3, "n" + id);
      assertEquals(1, p.executeUpdate());
    }
    assertEquals("n" + id, readNote(id));
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("UPDATE pooled SET note = ? WHERE id = ?")) {
      p.setString(1, "u" + id);
      p.setLong(2, id);
      assertEquals(1, p.executeUpdate());
    }
    assertEquals("u" + id, readNote(id));
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("DELETE FROM pooled WHERE id = ?")) {
      p.setLong(1, id);
      assertEquals(1, p.executeUpdate());
    }
    assertNull(readNote(id));
  }

  private static String readNote(long id) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement q = c.prepareStatement("SELECT note FROM pooled WHERE id = ?")) {
      q.setLong(1, id);
      try (ResultSet rs = q.executeQuery()) {
        String note = rs.next() ? rs.getString(1) : null;
        assertFalse(rs.next());
        return note;
      }
    }
  }

  /**
   * Copies what is written to {@code System.err} (where slf4j-simple logs HikariCP's leak
   * reports) into a buffer, still passing it through, until closed.
   */
  static final class LogTap extends OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private LogTap(PrintStream original) {
      this.original = original;
    }

    static LogTap onSystemErr() {
      LogTap tap = new LogTap(System.err);
      System.setErr(new PrintStream(tap, true, StandardCharsets.UTF_8));
      return tap;
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      copy.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      copy.write(b, off, len);
    }

    synchronized String text() {
      return copy.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      System.setErr(original);
    }
  }
}
