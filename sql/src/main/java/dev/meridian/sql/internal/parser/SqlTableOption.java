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

/**
 * One {@code key = 'value'} or {@code key['region'] = 'value'} of a {@link SqlCreateTable}'s
 * {@code WITH} clause or an {@code ALTER TABLE … SET (…)}, or one {@code key} or
 * {@code key['region']} of an {@code ALTER TABLE … RESET (…)} (without a value). Immutable.
 */
public final class SqlTableOption extends SqlCall {
  private static final SqlOperator OPERATOR = new SqlSpecialOperator("OPTION", SqlKind.OTHER);

  private final SqlIdentifier key;
  private final SqlNode region;
  private final SqlNode value;

  /** Called by the generated parser; {@code region} and {@code value} may be null. */
  public SqlTableOption(SqlParserPos pos, SqlIdentifier key, SqlNode region, SqlNode value) {
    super(pos);
    this.key = key;
    this.region = region;
    this.value = value;
  }

  /** The region in {@code key['region']}, a string literal, or null for every region. */
  public SqlNode region() {
    return region;
  }

  /** The option's name. */
  public SqlIdentifier key() {
    return key;
  }

  /** The option's value, a string literal, or null in a RESET. */
  public SqlNode value() {
    return value;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    List<SqlNode> operands = new java.util.ArrayList<>(List.of(key));
    if (region != null) {
      operands.add(region);
    }
    if (value != null) {
      operands.add(value);
    }
    return operands;
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    key.unparse(writer, 0, 0);
    if (region != null) {
      writer.print("[");
      region.unparse(writer, 0, 0);
      writer.print("]");
    }
    if (value != null) {
      writer.keyword("=");
      value.unparse(writer, 0, 0);
    }
  }
}
