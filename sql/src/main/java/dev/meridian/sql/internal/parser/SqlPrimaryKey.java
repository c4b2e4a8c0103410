package dev.meridian.sql.internal.parser;

import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A table-level {@code [CONSTRAINT name] PRIMARY KEY (a, b, ...)} of a {@link SqlCreateTable}.
 * Immutable.
 */
public final class SqlPrimaryKey extends SqlCall {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("PRIMARY KEY", SqlKind.PRIMARY_KEY);

  private final SqlIdentifier constraintName;
  private final SqlNodeList columns;

  /** Called by the generated parser; {@code constraintName} may be null. */
  public SqlPrimaryKey(SqlParserPos pos, SqlIdentifier constraintName, SqlNodeList columns) {
    super(pos);
    this.constraintName = constraintName;
    this.columns = columns;
  }

  /** The constraint's name, or null when it has none. */
  public SqlIdentifier constraintName() {
    return constraintName;
  }

  /** The key columns' names ({@link SqlIdentifier}s), in key order. */
  public SqlNodeList columns() {
    return columns;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Arrays.asList(constraintName, columns);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    if (constraintName != null) {
      writer.keyword("CONSTRAINT");
      constraintName.unparse(writer, 0, 0);
    }
    writer.keyword("PRIMARY KEY");
    Unparsing.list(writer, columns);
  }
}
