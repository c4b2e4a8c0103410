package dev.meridian.sql.api;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.sql.internal.query.CatalogSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;

/**
 * Opens Calcite connections that run {@link Plan.Query}s: Calcite's own JDBC driver over a
 * schema of the catalog's tables, each a {@code ProjectableFilterableTable} whose rows come
 * from a {@link ScanSource} with the filters and columns Calcite pushes into the scan. Calcite
 * sorts, aggregates, joins and evaluates what was not pushed.
 *
 * <p>A returned connection follows the catalog as it changes; it is as thread-safe as any
 * Calcite connection (one statement per thread at a time).
 */
public final class QueryConnections {
  /** The schema the catalog's tables appear in (and the connection's default schema). */
  public static final String SCHEMA = "PUBLIC";

  private QueryConnections() {}

  /**
   * Opens a connection; identifiers follow the SQL standard (unquoted upper-cased, quoted
   * exact), parsed by Meridian's parser.
   */
  public static Connection open(Catalog catalog, ScanSource source) {
    Properties info = new Properties();
    info.setProperty("caseSensitive", "true");
    info.setProperty("unquotedCasing", "TO_UPPER");
    info.setProperty("quotedCasing", "UNCHANGED");
    info.setProperty("quoting", "DOUBLE_QUOTE");
    info.setProperty("parserFactory",
        "dev.meridian.sql.internal.parser.MeridianSqlParserImpl#FACTORY");
    info.setProperty("timeZone", TimeZone.getDefault().getID());
    try {
      Connection c = new org.apache.calcite.jdbc.Driver().connect("jdbc:calcite:", info);
      CalciteConnection calcite = c.unwrap(CalciteConnection.class);
      SchemaPlus schema = calcite.getRootSchema().add(SCHEMA, new CatalogSchema(catalog, source));
      schema.setCacheEnabled(false);
      calcite.setSchema(SCHEMA);
      return c;
    } catch (SQLException e) {
      throw new MeridianException(SqlState.INTERNAL_ERROR,
          "cannot start Calcite's query engine: " + e.getMessage(), e);
    }
  }
}
