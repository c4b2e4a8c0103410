package dev.meridian.sql.internal.parser;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** One {@code key = 'value'} of a {@link SqlCreateTable}'s {@code WITH} clause. Immutable. */
public final class SqlTableOption extends SqlCall {
  private static final SqlOperator OPERATOR = new SqlSpecialOperator("OPTION", SqlKind.OTHER);

  private final SqlIdentifier key;
  private final SqlNode value;

  /** Called by the generated parser. */
  public SqlTableOption(SqlParserPos pos, SqlIdentifier key, SqlNode value) {
    super(pos);
    this.key = key;
    this.value = value;
  }

  /** The option's name. */
  public SqlIdentifier key() {
    return key;
  }

  /** The option's value, a string literal. */
  public SqlNode value() {
    return value;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(key, value);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    key.unparse(writer, 0, 0);
    writer.keyword("=");
    value.unparse(writer, 0, 0);
  }
}
