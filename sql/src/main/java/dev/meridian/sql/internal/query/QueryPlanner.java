package dev.meridian.sql.internal.query;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlPosition;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Plan;
import dev.meridian.sql.api.QueryConnections;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Plans a general query ({@link Plan.Query}): checks it for constructs Meridian refuses
 * ({@link QueryChecks}), then validates it with Calcite against the catalog for its result
 * columns and parameter types. Validation errors keep Calcite's message and position with a
 * {@code 42xxx} state. Not thread-safe; one per statement.
 */
public final class QueryPlanner {
  private static final Pattern NOT_FOUND =
      Pattern.compile("(Object|Table) '([^']*)' not found");
  private static final Pattern COLUMN_NOT_FOUND = Pattern.compile("Column '([^']*)' not found");

  private final Catalog catalog;

  public QueryPlanner(Catalog catalog) {
    this.catalog = catalog;
  }

  /** The plan for a parsed query; {@code sql} is the text it was parsed from. */
  public Plan.Query plan(String sql, SqlNode query) {
    QueryChecks.check(query);
    JavaTypeFactoryImpl types = new JavaTypeFactoryImpl();
    CalciteSchema root = CalciteSchema.createRootSchema(false, false);
    root.add(QueryConnections.SCHEMA, new CatalogSchema(catalog, null));
    Properties props = new Properties();
    props.setProperty("caseSensitive", "true");
    CalciteCatalogReader reader = new CalciteCatalogReader(root,
        List.of(QueryConnections.SCHEMA), types, new CalciteConnectionConfigImpl(props));
    SqlValidator validator = SqlValidatorUtil.newValidator(SqlStdOperatorTable.instance(),
        reader, types, SqlValidator.Config.DEFAULT);
    SqlNode validated;
    try {
      validated = validator.validate(query);
    } catch (CalciteContextException e) {
      throw validationError(e);
    } catch (RuntimeException e) {
      if (e instanceof MeridianException m) {
        throw m;
      }
      // Calcite reports what is wrong with a query as a CalciteContextException; anything else
      // is a crash in the validator or in our catalog, and must not pass for the user's error.
      throw new MeridianException(SqlState.INTERNAL_ERROR,
          "internal error validating the query: " + e, e);
    }
    RelDataType row = validator.getValidatedNodeType(validated);
    List<List<String>> origins = validator.getFieldOrigins(validated);
    List<Plan.QueryColumn> columns = new ArrayList<>();
    for (int i = 0; i < row.getFieldCount(); i++) {
      RelDataTypeField f = row.getFieldList().get(i);
      List<String> origin = i < origins.size() ? origins.get(i) : null;
      boolean direct = origin != null && origin.size() >= 2;
      columns.add(new Plan.QueryColumn(f.getName(),
          direct ? origin.get(origin.size() - 2) : "",
          direct ? origin.get(origin.size() - 1) : f.getName(),
          CalciteTypes.columnType(f.getType(), "result column " + f.getName()),
          f.getType().isNullable()));
    }
    List<ColumnType> parameters = new ArrayList<>();
    for (RelDataTypeField p : validator.getParameterRowType(validated).getFieldList()) {
      parameters.add(CalciteTypes.columnType(p.getType(), "parameter " + (parameters.size() + 1)));
    }
    return new Plan.Query(sql, List.copyOf(columns), List.copyOf(parameters));
  }

  private static MeridianException validationError(CalciteContextException e) {
    String message = e.getCause() != null && e.getCause().getMessage() != null
        ? e.getCause().getMessage() : e.getMessage();
    SqlPosition position = e.getPosLine() > 0
        ? new SqlPosition(e.getPosLine(), Math.max(1, e.getPosColumn())) : null;
    SqlState state = SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION;
    Matcher table = NOT_FOUND.matcher(message);
    if (table.find()) {
      state = SqlState.UNDEFINED_TABLE;
      message = "table " + table.group(2) + " does not exist";
    } else if (COLUMN_NOT_FOUND.matcher(message).find()) {
      state = SqlState.UNDEFINED_COLUMN;
    } else if (message.contains("Illegal use of dynamic parameter")) {
      message += "; give the ? a type with CAST(? AS type)";
    } else if (message.contains("Cannot apply") || message.contains("Cannot infer")) {
      state = SqlState.DATATYPE_MISMATCH;
    }
    return new MeridianException(state, message, position, e);
  }
}
