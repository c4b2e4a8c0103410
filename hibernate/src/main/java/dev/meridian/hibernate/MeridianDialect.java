package dev.meridian.hibernate;

import org.hibernate.boot.Metadata;
import org.hibernate.boot.model.TypeContributions;
import org.hibernate.boot.model.relational.SqlStringGenerationContext;
import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.pagination.LimitHandler;
import org.hibernate.dialect.pagination.LimitOffsetLimitHandler;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;
import org.hibernate.engine.jdbc.env.spi.NameQualifierSupport;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.mapping.ForeignKey;
import org.hibernate.persister.entity.mutation.EntityMutationTarget;
import org.hibernate.service.ServiceRegistry;
import org.hibernate.sql.ast.SqlAstTranslator;
import org.hibernate.sql.ast.SqlAstTranslatorFactory;
import org.hibernate.sql.ast.spi.StandardSqlAstTranslatorFactory;
import org.hibernate.sql.ast.tree.Statement;
import org.hibernate.sql.exec.spi.JdbcOperation;
import org.hibernate.sql.model.MutationOperation;
import org.hibernate.sql.model.internal.OptionalTableUpdate;
import org.hibernate.tool.schema.spi.Exporter;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.sql.internal.CapacityDependentDdlType;

/**
 * The Hibernate ORM 6 dialect for Meridian ({@code jdbc:meridian:} URLs). Set
 * {@code hibernate.dialect=dev.meridian.hibernate.MeridianDialect}.
 *
 * <p>What it tells Hibernate:
 * <ul>
 *   <li><b>Types</b>: BIGINT, INTEGER, SMALLINT (also for {@code byte}), BOOLEAN, DOUBLE (Java
 *       {@code double}), REAL (Java {@code float}), DECIMAL(p,s), VARCHAR(n) and CHAR(n) (also
 *       for the national and long variants), DATE, TIME, TIMESTAMP, VARBINARY(n) (also for
 *       BINARY and long binary). Text and binary hold at most {@value #MAX_LENGTH} characters or
 *       bytes. No time zones, LOBs, arrays, JSON or XML: such mappings fail when the table is
 *       created.</li>
 *   <li><b>Ids</b>: Meridian has no sequences and no identity columns, and its tables cannot
 *       emulate a sequence (that needs an UPDATE on a non-key column). Use assigned ids, or
 *       {@code @GeneratedValue(strategy = GenerationType.UUID)} (stored as BINARY, that is
 *       VARBINARY(16)); {@code AUTO}, {@code SEQUENCE}, {@code TABLE} and {@code IDENTITY} do
 *       not work.</li>
 *   <li><b>UPSERT</b>: {@code StatelessSession.upsert} and optional secondary tables become one
 *       {@code UPSERT INTO t (key..., columns...) VALUES (...)}, Meridian's own statement, instead
 *       of an UPDATE followed by an INSERT.</li>
 *   <li><b>Pagination</b>: {@code LIMIT ? OFFSET ?}.</li>
 *   <li><b>Names</b>: quoted with {@code "}; unquoted names are upper-cased by Meridian. No
 *       catalogs; user tables are not qualified with a schema.</li>
 *   <li><b>DDL</b>: {@code CREATE TABLE}, {@code DROP TABLE IF EXISTS},
 *       {@code ALTER TABLE … ADD COLUMN}: {@code hbm2ddl.auto} {@code create},
 *       {@code create-drop}, {@code update} (adds the columns of new fields, nullable),
 *       {@code validate} and {@code none} work. No foreign keys.</li>
 *   <li><b>Composite keys</b> are compared column by column ({@code a = ? and b = ?}), not as
 *       row values.</li>
 * </ul>
 *
 * <p>Meridian's transactions buffer writes until commit and apply them row by row, not
 * atomically (see the driver's documentation); Hibernate's resource-local transactions work
 * on that. Pessimistic locks ({@code FOR UPDATE}) are refused by Meridian with {@code 0A000}.
 *
 * <p>Immutable and thread-safe, like every Hibernate dialect.
 */
public class MeridianDialect extends Dialect {
  /** The longest VARCHAR, CHAR or VARBINARY Meridian accepts. */
  public static final int MAX_LENGTH = 1 << 20;

  private static final DatabaseVersion VERSION = DatabaseVersion.make(0, 1);

  /** A dialect for the current Meridian version. */
  public MeridianDialect() {
    super(VERSION);
  }

  /** A dialect for the version a connection reports (Hibernate's dialect resolution). */
  public MeridianDialect(DialectResolutionInfo info) {
    super(info);
  }

  @Override
  protected String columnType(int sqlTypeCode) {
    return switch (sqlTypeCode) {
      case SqlTypes.BOOLEAN, SqlTypes.BIT -> "boolean";
      case SqlTypes.TINYINT -> "smallint";
      case SqlTypes.FLOAT, SqlTypes.REAL -> "real";
      case SqlTypes.DOUBLE -> "double";
      case SqlTypes.NUMERIC, SqlTypes.DECIMAL -> "decimal($p,$s)";
      case SqlTypes.CHAR, SqlTypes.NCHAR -> "char($l)";
      case SqlTypes.VARCHAR, SqlTypes.NVARCHAR, SqlTypes.LONGVARCHAR, SqlTypes.LONGNVARCHAR,
          SqlTypes.LONG32VARCHAR, SqlTypes.LONG32NVARCHAR -> "varchar($l)";
      case SqlTypes.BINARY, SqlTypes.VARBINARY, SqlTypes.LONGVARBINARY,
          SqlTypes.LONG32VARBINARY -> "varbinary($l)";
      case SqlTypes.TIME -> "time";
      case SqlTypes.TIMESTAMP -> "timestamp";
      default -> super.columnType(sqlTypeCode);
    };
  }

  /**
   * Hibernate types Java {@code double} and {@code float} both as FLOAT with a binary
   * precision; up to 24 bits that is REAL, above it DOUBLE.
   */
  @Override
  protected void registerColumnTypes(TypeContributions contributions, ServiceRegistry registry) {
    super.registerColumnTypes(contributions, registry);
    contributions.getTypeConfiguration().getDdlTypeRegistry().addDescriptor(
        CapacityDependentDdlType.builder(SqlTypes.FLOAT, "double", this)
            .withTypeCapacity(getFloatPrecision(), "real")
            .build());
  }

  @Override
  public int getMaxVarcharLength() {
    return MAX_LENGTH;
  }

  @Override
  public int getMaxVarbinaryLength() {
    return MAX_LENGTH;
  }

  @Override
  public int getFloatPrecision() {
    return 24;
  }

  @Override
  public int getDefaultTimestampPrecision() {
    return 9;
  }

  @Override
  public LimitHandler getLimitHandler() {
    return LimitOffsetLimitHandler.INSTANCE;
  }

  @Override
  public SqlAstTranslatorFactory getSqlAstTranslatorFactory() {
    return new StandardSqlAstTranslatorFactory() {
      @Override
      protected <T extends JdbcOperation> SqlAstTranslator<T> buildTranslator(
          SessionFactoryImplementor factory, Statement statement) {
        return new MeridianSqlAstTranslator<>(factory, statement);
      }
    };
  }

  @Override
  public MutationOperation createOptionalTableUpdateOperation(EntityMutationTarget target,
      OptionalTableUpdate update, SessionFactoryImplementor factory) {
    return new MeridianSqlAstTranslator<>(factory, update).createMergeOperation(update);
  }

  @Override
  public boolean supportsIfExistsBeforeTableName() {
    return true;
  }

  @Override
  public boolean hasAlterTable() {
    return true;
  }

  /** Meridian has no foreign keys: an association's constraint is not created (nor dropped). */
  @Override
  public Exporter<ForeignKey> getForeignKeyExporter() {
    return new Exporter<>() {
      @Override
      public String[] getSqlCreateStrings(ForeignKey key, Metadata metadata,
          SqlStringGenerationContext context) {
        return NO_COMMANDS;
      }

      @Override
      public String[] getSqlDropStrings(ForeignKey key, Metadata metadata,
          SqlStringGenerationContext context) {
        return NO_COMMANDS;
      }
    };
  }

  @Override
  public boolean supportsValuesListForInsert() {
    return true;
  }

  @Override
  public boolean supportsNoColumnsInsert() {
    return false;
  }

  @Override
  public boolean supportsLockTimeouts() {
    return false;
  }

  @Override
  public boolean supportsOuterJoinForUpdate() {
    return false;
  }

  @Override
  public NameQualifierSupport getNameQualifierSupport() {
    return NameQualifierSupport.NONE;
  }
}
