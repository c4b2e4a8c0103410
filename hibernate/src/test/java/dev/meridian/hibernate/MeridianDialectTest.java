package dev.meridian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.dialect.pagination.LimitOffsetLimitHandler;
import org.hibernate.query.spi.Limit;
import org.hibernate.engine.config.spi.ConfigurationService;
import org.hibernate.tool.schema.spi.SchemaManagementToolCoordinator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dialect tells Hibernate, checked on Hibernate's own output without a database. */
class MeridianDialectTest {
  final MeridianDialect dialect = new MeridianDialect();

  /** Every Java type the dialect maps, with lengths and precisions. */
  @Entity(name = "Everything")
  static class Everything {
    @Id
    long id;
    int anInt;
    short aShort;
    byte aByte;
    boolean aBoolean;
    double aDouble;
    float aFloat;
    @Column(precision = 12, scale = 3)
    BigDecimal money;
    @Column(length = 80)
    String name;
    char initial;
    LocalDate day;
    LocalTime time;
    LocalDateTime stamp;
    @Column(length = 32)
    byte[] bytes;
  }

  /** An id Meridian can generate without sequences: a random UUID. */
  @Entity(name = "Token")
  static class Token {
    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    UUID id;
    String note;
  }

  private String ddl(Path dir, Class<?>... entities) throws Exception {
    Path drop = dir.resolve("drop.sql");
    Path create = dir.resolve("create.sql");
    StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
        .applySetting("hibernate.dialect", MeridianDialect.class.getName())
        .applySetting("hibernate.boot.allow_jdbc_metadata_access", "false")
        .applySetting("jakarta.persistence.schema-generation.scripts.action", "drop-and-create")
        .applySetting("jakarta.persistence.schema-generation.scripts.drop-target", drop.toString())
        .applySetting("jakarta.persistence.schema-generation.scripts.create-target",
            create.toString())
        .applySetting("hibernate.hbm2ddl.delimiter", ";")
        .build();
    try {
      MetadataSources sources = new MetadataSources(registry);
      for (Class<?> e : entities) {
        sources.addAnnotatedClass(e);
      }
      Metadata metadata = sources.buildMetadata();
      SchemaManagementToolCoordinator.process(metadata, registry,
          registry.requireService(ConfigurationService.class).getSettings(), action -> { });
      return Files.readString(drop) + Files.readString(create);
    } finally {
      StandardServiceRegistryBuilder.destroy(registry);
    }
  }

  @Test
  void tablesUseMeridiansTypes(@TempDir Path dir) throws Exception {
    String ddl = ddl(dir, Everything.class);
    assertTrue(ddl.contains("drop table if exists Everything;"), ddl);
    String create = ddl.substring(ddl.indexOf("create table Everything"));
    for (String column : new String[] {"id bigint not null", "anInt integer not null",
        "aShort smallint not null", "aByte smallint not null", "aBoolean boolean not null",
        "aDouble double not null", "aFloat real not null", "money decimal(12,3)",
        "name varchar(80)", "initial char(1) not null", "day date", "time time",
        "stamp timestamp", "bytes varbinary(32)", "primary key (id)"}) {
      assertTrue(create.contains(column), column + " in " + create);
    }
  }

  @Test
  void uuidIdsNeedNoSequence(@TempDir Path dir) throws Exception {
    String ddl = ddl(dir, Token.class);
    assertTrue(ddl.contains("create table Token (id varbinary(16) not null"), ddl);
    assertFalse(ddl.contains("sequence"), ddl);
  }

  @Test
  void noSequencesNoIdentityButAlterTableForSchemaUpdate() {
    assertFalse(dialect.getSequenceSupport().supportsSequences());
    assertFalse(dialect.getIdentityColumnSupport().supportsIdentityColumns());
    assertTrue(dialect.hasAlterTable());
    assertFalse(dialect.supportsLockTimeouts());
  }

  @Test
  void paginationIsLimitOffset() {
    assertEquals(LimitOffsetLimitHandler.INSTANCE, dialect.getLimitHandler());
    Limit limit = new Limit();
    limit.setFirstRow(20);
    limit.setMaxRows(10);
    assertEquals("select id from T order by id limit ? offset ?",
        dialect.getLimitHandler().processSql("select id from T order by id", limit));
  }

  @Test
  void identifiersAreQuotedWithDoubleQuotes() {
    assertEquals('"', dialect.openQuote());
    assertEquals('"', dialect.closeQuote());
    assertEquals("\"value\"", dialect.toQuotedIdentifier("value"));
    assertTrue(dialect.supportsIfExistsBeforeTableName());
    assertEquals(MeridianDialect.MAX_LENGTH, dialect.getMaxVarcharLength());
  }
}
