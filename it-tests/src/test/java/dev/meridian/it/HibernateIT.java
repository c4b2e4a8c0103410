package dev.meridian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.meridian.hibernate.MeridianDialect;
import dev.meridian.testing.AckLedger;
import dev.meridian.testing.RegionProcesses;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.Configuration;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate ORM 6 (JPA) with {@link MeridianDialect} over a HikariCP pool on a real region of two
 * peers: Hibernate creates the table, validates it against DatabaseMetaData, and does entity
 * CRUD in resource-local transactions (autocommit off, writes applied at commit).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HibernateIT {
  private static final String LEAK_LINE = "Connection leak detection triggered";
  private static final String REGION = "us-east-1";

  @TempDir
  static Path dir;
  static RegionProcesses region;
  static HikariDataSource pool;
  static SessionFactory factory;
  static PoolAndJdbiIT.LogTap log;
  static final List<String> sql = new CopyOnWriteArrayList<>();

  /** A book: assigned id, as Meridian has neither sequences nor identity columns. */
  @Entity(name = "Book")
  @Table(name = "book")
  public static class Book {
    @Id
    private long id;
    @Column(length = 80, nullable = false)
    private String title;
    private int pages;
    @Column(precision = 8, scale = 2)
    private BigDecimal price;

    protected Book() {}

    Book(long id, String title, int pages, BigDecimal price) {
      this.id = id;
      this.title = title;
      this.pages = pages;
      this.price = price;
    }
  }

  /** The book of a later release of the application: one more field. */
  @Entity(name = "BookWithSubtitle")
  @Table(name = "book")
  public static class BookWithSubtitle {
    @Id
    private long id;
    @Column(length = 80, nullable = false)
    private String title;
    private int pages;
    @Column(precision = 8, scale = 2)
    private BigDecimal price;
    @Column(length = 120)
    private String subtitle;

    protected BookWithSubtitle() {}

    BookWithSubtitle(long id, String title, String subtitle) {
      this.id = id;
      this.title = title;
      this.subtitle = subtitle;
    }
  }

  /** An account with JPA's optimistic version check. */
  @Entity(name = "Account")
  @Table(name = "account")
  public static class Account {
    @Id
    private long id;
    private long balance;
    @Version
    private int ver;

    protected Account() {}

    Account(long id) {
      this.id = id;
    }
  }

  /** Records every SQL text Hibernate prepares. */
  public static final class Recorder implements StatementInspector {
    private static final long serialVersionUID = 1L;

    @Override
    public String inspect(String text) {
      sql.add(text);
      return text;
    }
  }

  @BeforeAll
  static void start() {
    log = PoolAndJdbiIT.LogTap.onSystemErr();
    region = RegionProcesses.start(dir, REGION, 2);
    HikariConfig config = new HikariConfig();
    config.setPoolName("meridian-hibernate");
    config.setJdbcUrl(region.jdbcUrl());
    config.setMaximumPoolSize(3);
    // Far above any legitimate hold on a loaded machine; a connection never returned still shows.
    config.setLeakDetectionThreshold(60_000);
    pool = new HikariDataSource(config);
    factory = sessionFactory("create");
  }

  static SessionFactory sessionFactory(String schemaAction) {
    Properties p = new Properties();
    p.put("hibernate.connection.datasource", pool);
    p.put("hibernate.dialect", MeridianDialect.class.getName());
    p.put("hibernate.hbm2ddl.auto", schemaAction);
    p.put("hibernate.hbm2ddl.halt_on_error", "true");
    p.put("hibernate.session_factory.statement_inspector", new Recorder());
    return new Configuration().addProperties(p).addAnnotatedClass(Book.class)
        .addAnnotatedClass(Account.class).buildSessionFactory();
  }

  @AfterAll
  static void stop() {
    if (factory != null) {
      factory.close();
    }
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

  private static void inTransaction(Consumer<EntityManager> work) {
    try (EntityManager em = factory.createEntityManager()) {
      em.getTransaction().begin();
      try {
        work.accept(em);
        em.getTransaction().commit();
      } finally {
        if (em.getTransaction().isActive()) {
          em.getTransaction().rollback();
        }
      }
    }
  }

  private static Book find(long id) {
    try (EntityManager em = factory.createEntityManager()) {
      return em.find(Book.class, id);
    }
  }

  @Test
  @Order(1)
  void hibernateCreatedTheTableAndValidatesItAgainstTheDriversMetadata() throws Exception {
    try (Connection c = pool.getConnection();
        ResultSet columns = c.getMetaData().getColumns(null, null, "BOOK", "%")) {
      Map<String, String> seen = new TreeMap<>();
      while (columns.next()) {
        seen.put(columns.getString("COLUMN_NAME"), columns.getString("TYPE_NAME") + "/"
            + columns.getInt("COLUMN_SIZE") + "/" + columns.getString("IS_NULLABLE"));
      }
      assertEquals(Map.of("ID", "BIGINT/19/NO", "TITLE", "VARCHAR/80/NO",
          "PAGES", "INTEGER/10/NO", "PRICE", "DECIMAL/8/YES"), seen);
    }
    // hbm2ddl=validate reads getTables/getColumns and compares them with the mapping.
    try (SessionFactory validating = sessionFactory("validate")) {
      assertTrue(validating.isOpen());
    }
  }

  @Test
  @Order(2)
  void persistFindMergeRemove() {
    inTransaction(em -> {
      em.persist(new Book(1, "Dune", 412, new BigDecimal("9.99")));
      em.persist(new Book(2, "Emma", 474, new BigDecimal("4.50")));
    });
    Book dune = find(1);
    assertNotNull(dune);
    assertEquals("Dune", dune.title);
    assertEquals(412, dune.pages);
    assertEquals(new BigDecimal("9.99"), dune.price);

    dune.title = "Dune Messiah";
    dune.pages = 256;
    inTransaction(em -> em.merge(dune));
    Book merged = find(1);
    assertEquals("Dune Messiah", merged.title);
    assertEquals(256, merged.pages);

    inTransaction(em -> em.remove(em.find(Book.class, 2L)));
    assertNull(find(2));
    assertNotNull(find(1));
    assertTrue(sql.stream().anyMatch(s -> s.startsWith("update book set")), sql.toString());
    assertTrue(sql.stream().anyMatch(s -> s.startsWith("delete from book where id=?")),
        sql.toString());
  }

  @Test
  @Order(3)
  void aRolledBackTransactionWritesNothing() {
    try (EntityManager em = factory.createEntityManager()) {
      em.getTransaction().begin();
      em.persist(new Book(3, "Ulysses", 730, null));
      em.flush(); // the INSERT reaches the driver, which holds it until commit
      em.getTransaction().rollback();
    }
    assertNull(find(3));
  }

  @Test
  @Order(4)
  void aDuplicateIdFailsWhenFlushed() {
    PersistenceException e = assertThrows(PersistenceException.class,
        () -> inTransaction(em -> em.persist(new Book(1, "Again", 1, null))));
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof java.sql.SQLException)) {
      cause = cause.getCause();
    }
    assertEquals("23505", ((java.sql.SQLException) cause).getSQLState(), String.valueOf(cause));
    assertEquals("Dune Messiah", find(1).title);
  }

  @Test
  @Order(5)
  void statelessUpsertIsOneUpsertStatement() {
    try (StatelessSession s = factory.openStatelessSession()) {
      s.getTransaction().begin();
      s.upsert(new Book(1, "Dune", 412, new BigDecimal("10.99")));
      s.upsert(new Book(4, "Beloved", 324, new BigDecimal("7.00")));
      s.getTransaction().commit();
    }
    assertEquals("Dune", find(1).title);
    assertEquals(new BigDecimal("10.99"), find(1).price);
    assertEquals("Beloved", find(4).title);
    assertTrue(sql.stream().anyMatch(s -> s.startsWith("upsert into book (id, ")), sql.toString());
  }

  @Test
  @Order(6)
  void noConnectionLeaked() {
    assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
    assertFalse(log.text().contains(LEAK_LINE), log.text());
  }

  /**
   * A JPQL query with a filter and ORDER BY, paged: needs general SELECT (filters on non-key
   * columns), which lands separately; until then Meridian answers 0A000.
   */
  @Test
  @Order(7)
  void jpqlQueryWithFilterAndOrderBy() {
    inTransaction(em -> {
      em.persist(new Book(10, "Middlemarch", 880, null));
      em.persist(new Book(11, "Persuasion", 249, null));
      em.persist(new Book(12, "Bleak House", 1017, null));
    });
    try (EntityManager em = factory.createEntityManager()) {
      List<String> titles = em.createQuery(
              "select b.title from Book b where b.pages > :min order by b.title", String.class)
          .setParameter("min", 400).getResultList();
      assertEquals(List.of("Bleak House", "Dune", "Middlemarch"), titles);
      List<String> paged = em.createQuery(
              "select b.title from Book b where b.pages > :min order by b.title", String.class)
          .setParameter("min", 400).setFirstResult(1).setMaxResults(1).getResultList();
      assertEquals(List.of("Dune"), paged);
    }
    assertTrue(sql.stream().anyMatch(s -> s.contains("order by") && s.endsWith("limit ? offset ?")),
        sql.toString());
  }

  /**
   * Eight threads update one versioned entity: every commit that succeeds is in the final
   * balance, and every loser is told, by an OptimisticLockException when the version it read was
   * already stale at flush, or by a failed commit (40001) when another commit slipped in between
   * its flush and its commit. Each commit goes into an {@link AckLedger} with the version it
   * wrote (unique to it), and the row must end on the version of the last commit.
   */
  @Test
  @Order(9)
  void concurrentUpdatesOfAVersionedEntityLoseNothing() throws Exception {
    inTransaction(em -> em.persist(new Account(1)));
    AckLedger ledger = new AckLedger();
    int threads = 8;
    int winsEach = 5;
    java.util.concurrent.atomic.AtomicInteger stale = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger failedCommits =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService workers =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(workers.submit(() -> {
          int wins = 0;
          while (wins < winsEach) {
            AckLedger.Pending[] commit = new AckLedger.Pending[1];
            try {
              inTransaction(em -> {
                Account a = em.find(Account.class, 1L);
                a.balance++;
                commit[0] = ledger.begin(1, a.ver + 1);
              });
              commit[0].acknowledged(REGION);
              wins++;
            } catch (OptimisticLockException e) {
              stale.incrementAndGet();
            } catch (PersistenceException e) {
              // Hibernate reports a failed commit as its TransactionException.
              assertEquals("40001", sqlState(e), "a failed commit is a serialization failure: "
                  + e);
              failedCommits.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(5, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      workers.shutdownNow();
    }
    try (EntityManager em = factory.createEntityManager()) {
      Account a = em.find(Account.class, 1L);
      assertEquals(threads * winsEach, a.balance, "every committed increment is there");
      assertEquals(threads * winsEach, a.ver, "one version per committed update");
      ledger.phantomIfAsked(REGION, 2, -1);
      Account other = em.find(Account.class, 2L);
      Map<Long, Long> held = new HashMap<>();
      held.put(1L, (long) a.ver);
      if (other != null) {
        held.put(2L, (long) other.ver);
      }
      ledger.assertHolds(REGION, held);
    }
    System.out.printf("versioned entity: %d commits, %d stale at flush, %d failed at commit%n",
        threads * winsEach, stale.get(), failedCommits.get());
    assertTrue(stale.get() + failedCommits.get() > 0, "eight writers never collided");
  }

  private static String sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.sql.SQLException e) {
        return e.getSQLState();
      }
    }
    return null;
  }

  /**
   * hbm2ddl.auto=update against the live table: Hibernate reads the driver's metadata, finds the
   * new field's column missing and adds it with ALTER TABLE; old rows read NULL there.
   */
  @Test
  @Order(10)
  void schemaUpdateAddsANewFieldAsAColumn() throws Exception {
    sql.clear();
    Properties p = new Properties();
    p.put("hibernate.connection.datasource", pool);
    p.put("hibernate.dialect", MeridianDialect.class.getName());
    p.put("hibernate.hbm2ddl.auto", "update");
    p.put("hibernate.hbm2ddl.halt_on_error", "true");
    try (SessionFactory updated = new Configuration().addProperties(p)
        .addAnnotatedClass(BookWithSubtitle.class).buildSessionFactory()) {
      try (EntityManager em = updated.createEntityManager()) {
        em.getTransaction().begin();
        em.persist(new BookWithSubtitle(77, "Middlemarch", "A Study of Provincial Life"));
        em.getTransaction().commit();
      }
      try (EntityManager em = updated.createEntityManager()) {
        assertEquals("A Study of Provincial Life", em.find(BookWithSubtitle.class, 77L).subtitle);
        assertNull(em.find(BookWithSubtitle.class, 4L).subtitle, "a row from before reads NULL");
      }
    }
    try (Connection c = pool.getConnection();
        ResultSet columns = c.getMetaData().getColumns(null, null, "BOOK", "SUBTITLE")) {
      assertTrue(columns.next(), "the column exists");
      assertEquals("VARCHAR", columns.getString("TYPE_NAME"));
      assertEquals(120, columns.getInt("COLUMN_SIZE"));
    }
    // Hibernate's own second look finds nothing to change, and the old mapping still works.
    try (SessionFactory again = sessionFactory("update")) {
      assertTrue(again.isOpen());
    }
    assertEquals("Beloved", find(4).title);
  }

  /** Keeps the table's rows visible to a plain JDBC reader too (not only to Hibernate). */
  @Test
  @Order(8)
  void plainJdbcSeesWhatHibernateWrote() throws Exception {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT title, pages FROM book WHERE id = 4")) {
      assertTrue(rs.next());
      assertEquals("Beloved", rs.getString(1));
      assertEquals(324, rs.getInt(2));
    }
  }
}
