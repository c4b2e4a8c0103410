package dev.meridian.driver.internal;

import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.SystemTables;
import dev.meridian.protocol.types.TableSchema;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.util.List;

/**
 * What a Meridian connection says about the database: product "Meridian", identifiers quoted
 * with {@code "}, unquoted identifiers stored upper-case, no catalogs,
 * forward-only read-only results, batches. User tables have no schema; the read-only system
 * tables are in schema {@code MERIDIAN}, of type {@code SYSTEM TABLE}, and are named with it in
 * SQL. Tables, columns and keys come from the peer's catalog, reloaded on each such call, and
 * from {@link dev.meridian.protocol.types.SystemTables}; the primary key is the one unique
 * index and the best row identifier. SQL capabilities are answered for what the driver runs
 * today (point reads, key writes, system-table queries, table aliases): no joins, GROUP BY or
 * subqueries yet. Transactions: autocommit off buffers key writes until commit, applied row by
 * row, so the one isolation level is READ UNCOMMITTED; DDL commits first; no savepoints.
 * Procedures, functions and user-defined types do not exist (empty results); catalog queries
 * about privileges, versions, super types and pseudo columns fail with {@code 0A000} naming
 * the method.
 *
 * <p>Usable only while its connection is open ({@code 08003} after). Thread-safe.
 */
final class MeridianDatabaseMetaData implements DatabaseMetaData {
  private final MeridianConnection connection;

  MeridianDatabaseMetaData(MeridianConnection connection) {
    this.connection = connection;
  }

  /** The current table definitions, reloaded from the peer. */
  private List<TableSchema> tables() throws SQLException {
    connection.checkOpen();
    try {
      PlanExecutor executor = connection.executor();
      executor.refreshCatalog(new Execution(0, connection.networkTimeoutMillis()));
      return executor.catalog().tables();
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  private SQLException unsupported(String method) throws SQLException {
    connection.checkOpen();
    return SqlExceptions.notSupported("DatabaseMetaData." + method);
  }

  @Override
  public int getDriverMajorVersion() {
    return ProductInfo.MAJOR;
  }

  @Override
  public int getDriverMinorVersion() {
    return ProductInfo.MINOR;
  }

  @Override
  public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern,
      String[] types) throws SQLException {
    return MetadataTables.tables(connection, tables(), catalog, schemaPattern, tableNamePattern,
        types);
  }

  @Override
  public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern,
      String columnNamePattern) throws SQLException {
    return MetadataTables.columns(connection, tables(), catalog, schemaPattern, tableNamePattern,
        columnNamePattern);
  }

  @Override
  public ResultSet getPrimaryKeys(String catalog, String schema, String table)
      throws SQLException {
    return MetadataTables.primaryKeys(connection, tables(), catalog, schema, table);
  }

  @Override
  public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique,
      boolean approximate) throws SQLException {
    List<TableSchema> all = tables();
    return MetadataTables.indexInfo(connection, all, connection.executor().catalog()::indexes,
        catalog, schema, table, unique);
  }

  @Override
  public ResultSet getImportedKeys(String catalog, String schema, String table)
      throws SQLException {
    connection.checkOpen();
    return MetadataTables.keys(connection);
  }

  @Override
  public ResultSet getExportedKeys(String catalog, String schema, String table)
      throws SQLException {
    connection.checkOpen();
    return MetadataTables.keys(connection);
  }

  @Override
  public ResultSet getCrossReference(String parentCatalog, String parentSchema,
      String parentTable, String foreignCatalog, String foreignSchema, String foreignTable)
      throws SQLException {
    connection.checkOpen();
    return MetadataTables.keys(connection);
  }

  @Override
  public ResultSet getSchemas() throws SQLException {
    connection.checkOpen();
    return MetadataTables.schemas(connection, null, null);
  }

  @Override
  public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
    connection.checkOpen();
    return MetadataTables.schemas(connection, catalog, schemaPattern);
  }

  @Override
  public ResultSet getCatalogs() throws SQLException {
    connection.checkOpen();
    return MetadataTables.catalogs(connection);
  }

  @Override
  public ResultSet getTableTypes() throws SQLException {
    connection.checkOpen();
    return MetadataTables.tableTypes(connection);
  }

  @Override
  public ResultSet getTypeInfo() throws SQLException {
    connection.checkOpen();
    return MetadataTables.typeInfo(connection);
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.of(dev.meridian.protocol.error.SqlState.INVALID_PARAMETER_VALUE,
        "Meridian database metadata is not a " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public boolean allProceduresAreCallable() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean allTablesAreSelectable() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public String getURL() throws SQLException {
    connection.checkOpen();
    return connection.config().url();
  }

  @Override
  public String getUserName() throws SQLException {
    connection.checkOpen();
    return connection.config().user();
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    connection.checkOpen();
    return connection.isReadOnly();
  }

  @Override
  public boolean nullsAreSortedHigh() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean nullsAreSortedLow() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean nullsAreSortedAtStart() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean nullsAreSortedAtEnd() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public String getDatabaseProductName() throws SQLException {
    connection.checkOpen();
    return ProductInfo.PRODUCT_NAME;
  }

  @Override
  public String getDatabaseProductVersion() throws SQLException {
    connection.checkOpen();
    return ProductInfo.VERSION;
  }

  @Override
  public String getDriverName() throws SQLException {
    connection.checkOpen();
    return ProductInfo.DRIVER_NAME;
  }

  @Override
  public String getDriverVersion() throws SQLException {
    connection.checkOpen();
    return ProductInfo.VERSION;
  }

  @Override
  public boolean usesLocalFiles() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean usesLocalFilePerTable() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsMixedCaseIdentifiers() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean storesUpperCaseIdentifiers() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean storesLowerCaseIdentifiers() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean storesMixedCaseIdentifiers() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsMixedCaseQuotedIdentifiers() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean storesUpperCaseQuotedIdentifiers() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean storesLowerCaseQuotedIdentifiers() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean storesMixedCaseQuotedIdentifiers() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public String getIdentifierQuoteString() throws SQLException {
    connection.checkOpen();
    return "\"";
  }

  @Override
  public String getSQLKeywords() throws SQLException {
    connection.checkOpen();
    return "UPSERT";
  }

  @Override
  public String getNumericFunctions() throws SQLException {
    connection.checkOpen();
    return "";
  }

  @Override
  public String getStringFunctions() throws SQLException {
    connection.checkOpen();
    return "";
  }

  @Override
  public String getSystemFunctions() throws SQLException {
    connection.checkOpen();
    return "";
  }

  @Override
  public String getTimeDateFunctions() throws SQLException {
    connection.checkOpen();
    return "";
  }

  @Override
  public String getSearchStringEscape() throws SQLException {
    connection.checkOpen();
    return "\\";
  }

  @Override
  public String getExtraNameCharacters() throws SQLException {
    connection.checkOpen();
    return "";
  }

  @Override
  public boolean supportsAlterTableWithAddColumn() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsAlterTableWithDropColumn() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsColumnAliasing() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean nullPlusNonNullIsNull() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean supportsConvert() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsConvert(int fromType, int toType) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsTableCorrelationNames() throws SQLException {
    connection.checkOpen();
    return true; // FROM t AS x, FROM t x
  }

  @Override
  public boolean supportsDifferentTableCorrelationNames() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsExpressionsInOrderBy() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsOrderByUnrelated() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsGroupBy() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsGroupByUnrelated() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsGroupByBeyondSelect() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsLikeEscapeClause() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsMultipleResultSets() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsMultipleTransactions() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean supportsNonNullableColumns() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean supportsMinimumSQLGrammar() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsCoreSQLGrammar() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsExtendedSQLGrammar() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsANSI92EntryLevelSQL() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsANSI92IntermediateSQL() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsANSI92FullSQL() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsIntegrityEnhancementFacility() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsOuterJoins() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsFullOuterJoins() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsLimitedOuterJoins() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public String getSchemaTerm() throws SQLException {
    connection.checkOpen();
    return "schema";
  }

  @Override
  public String getProcedureTerm() throws SQLException {
    connection.checkOpen();
    return "procedure";
  }

  @Override
  public String getCatalogTerm() throws SQLException {
    connection.checkOpen();
    return "catalog";
  }

  @Override
  public boolean isCatalogAtStart() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public String getCatalogSeparator() throws SQLException {
    connection.checkOpen();
    return "";
  }

  @Override
  public boolean supportsSchemasInDataManipulation() throws SQLException {
    connection.checkOpen();
    return true; // SELECT ... FROM MERIDIAN.REGIONS
  }

  @Override
  public boolean supportsSchemasInProcedureCalls() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSchemasInTableDefinitions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSchemasInIndexDefinitions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSchemasInPrivilegeDefinitions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsCatalogsInDataManipulation() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsCatalogsInProcedureCalls() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsCatalogsInTableDefinitions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsCatalogsInIndexDefinitions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsCatalogsInPrivilegeDefinitions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsPositionedDelete() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsPositionedUpdate() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSelectForUpdate() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsStoredProcedures() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSubqueriesInComparisons() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSubqueriesInExists() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSubqueriesInIns() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsSubqueriesInQuantifieds() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsCorrelatedSubqueries() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsUnion() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsUnionAll() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsOpenCursorsAcrossCommit() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean supportsOpenCursorsAcrossRollback() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean supportsOpenStatementsAcrossCommit() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean supportsOpenStatementsAcrossRollback() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public int getMaxBinaryLiteralLength() throws SQLException {
    connection.checkOpen();
    return ColumnType.MAX_LENGTH;
  }

  @Override
  public int getMaxCharLiteralLength() throws SQLException {
    connection.checkOpen();
    return ColumnType.MAX_LENGTH;
  }

  @Override
  public int getMaxColumnNameLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxColumnsInGroupBy() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxColumnsInIndex() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxColumnsInOrderBy() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxColumnsInSelect() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxColumnsInTable() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxConnections() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxCursorNameLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxIndexLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxSchemaNameLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxProcedureNameLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxCatalogNameLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxRowSize() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public boolean doesMaxRowSizeIncludeBlobs() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public int getMaxStatementLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxStatements() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxTableNameLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getMaxTablesInSelect() throws SQLException {
    connection.checkOpen();
    return 1;
  }

  @Override
  public int getMaxUserNameLength() throws SQLException {
    connection.checkOpen();
    return 0;
  }

  @Override
  public int getDefaultTransactionIsolation() throws SQLException {
    connection.checkOpen();
    return Connection.TRANSACTION_READ_UNCOMMITTED;
  }

  @Override
  public boolean supportsTransactions() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean supportsTransactionIsolationLevel(int level) throws SQLException {
    connection.checkOpen();
    return level == Connection.TRANSACTION_READ_UNCOMMITTED;
  }

  @Override
  public boolean supportsDataDefinitionAndDataManipulationTransactions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsDataManipulationTransactionsOnly() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean dataDefinitionCausesTransactionCommit() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public boolean dataDefinitionIgnoredInTransactions() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsResultSetType(int type) throws SQLException {
    connection.checkOpen();
    return MetadataTables.supportsType(type);
  }

  @Override
  public boolean supportsResultSetConcurrency(int type, int concurrency) throws SQLException {
    connection.checkOpen();
    return MetadataTables.supportsType(type) && concurrency == ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public boolean ownUpdatesAreVisible(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean ownDeletesAreVisible(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean ownInsertsAreVisible(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean othersUpdatesAreVisible(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean othersDeletesAreVisible(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean othersInsertsAreVisible(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean updatesAreDetected(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean deletesAreDetected(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean insertsAreDetected(int type) throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsBatchUpdates() throws SQLException {
    connection.checkOpen();
    return true;
  }

  @Override
  public Connection getConnection() throws SQLException {
    connection.checkOpen();
    return connection;
  }

  @Override
  public boolean supportsSavepoints() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsNamedParameters() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsMultipleOpenResults() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsGetGeneratedKeys() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsResultSetHoldability(int holdability) throws SQLException {
    connection.checkOpen();
    return holdability == ResultSet.HOLD_CURSORS_OVER_COMMIT || holdability == ResultSet.CLOSE_CURSORS_AT_COMMIT;
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    connection.checkOpen();
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public int getDatabaseMajorVersion() throws SQLException {
    connection.checkOpen();
    return ProductInfo.MAJOR;
  }

  @Override
  public int getDatabaseMinorVersion() throws SQLException {
    connection.checkOpen();
    return ProductInfo.MINOR;
  }

  @Override
  public int getJDBCMajorVersion() throws SQLException {
    connection.checkOpen();
    return ProductInfo.JDBC_MAJOR;
  }

  @Override
  public int getJDBCMinorVersion() throws SQLException {
    connection.checkOpen();
    return ProductInfo.JDBC_MINOR;
  }

  @Override
  public int getSQLStateType() throws SQLException {
    connection.checkOpen();
    return sqlStateSQL;
  }

  @Override
  public boolean locatorsUpdateCopy() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean supportsStatementPooling() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public RowIdLifetime getRowIdLifetime() throws SQLException {
    connection.checkOpen();
    return RowIdLifetime.ROWID_UNSUPPORTED;
  }

  @Override
  public boolean supportsStoredFunctionsUsingCallSyntax() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean autoCommitFailureClosesAllResultSets() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public boolean generatedKeyAlwaysReturned() throws SQLException {
    connection.checkOpen();
    return false;
  }

  @Override
  public ResultSet getProcedures(String catalog, String schemaPattern, String procedureNamePattern) throws SQLException {
    connection.checkOpen();
    return MetadataTables.procedures(connection);
  }

  @Override
  public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedureNamePattern, String columnNamePattern) throws SQLException {
    throw unsupported("getProcedureColumns");
  }

  @Override
  public ResultSet getColumnPrivileges(String catalog, String schema, String table, String columnNamePattern) throws SQLException {
    throw unsupported("getColumnPrivileges");
  }

  @Override
  public ResultSet getTablePrivileges(String catalog, String schemaPattern, String tableNamePattern) throws SQLException {
    List<TableSchema> all = tables();
    try {
      List<Object[]> privileges = connection.executor().systemRows(SystemTables.TABLE_PRIVILEGES,
          new Execution(0, connection.networkTimeoutMillis()));
      return MetadataTables.tablePrivileges(connection, all, privileges, catalog, schemaPattern,
          tableNamePattern);
    } catch (RuntimeException e) {
      throw SqlExceptions.of(e);
    }
  }

  @Override
  public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope, boolean nullable) throws SQLException {
    return MetadataTables.bestRowIdentifier(connection, tables(), catalog, schema, table);
  }

  @Override
  public ResultSet getVersionColumns(String catalog, String schema, String table) throws SQLException {
    throw unsupported("getVersionColumns");
  }

  @Override
  public ResultSet getUDTs(String catalog, String schemaPattern, String typeNamePattern, int[] types) throws SQLException {
    connection.checkOpen();
    return MetadataTables.udts(connection);
  }

  @Override
  public ResultSet getSuperTypes(String catalog, String schemaPattern, String typeNamePattern) throws SQLException {
    throw unsupported("getSuperTypes");
  }

  @Override
  public ResultSet getSuperTables(String catalog, String schemaPattern, String tableNamePattern) throws SQLException {
    throw unsupported("getSuperTables");
  }

  @Override
  public ResultSet getAttributes(String catalog, String schemaPattern, String typeNamePattern, String attributeNamePattern) throws SQLException {
    throw unsupported("getAttributes");
  }

  @Override
  public ResultSet getClientInfoProperties() throws SQLException {
    connection.checkOpen();
    return MetadataTables.clientInfoProperties(connection);
  }

  @Override
  public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern) throws SQLException {
    connection.checkOpen();
    return MetadataTables.functions(connection);
  }

  @Override
  public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionNamePattern, String columnNamePattern) throws SQLException {
    throw unsupported("getFunctionColumns");
  }

  @Override
  public ResultSet getPseudoColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern) throws SQLException {
    throw unsupported("getPseudoColumns");
  }
}
