package dev.meridian.sql.internal.parser;

import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code CREATE TABLE [IF NOT EXISTS] name (element, ...) [WITH (option = 'value', ...)]} as
 * parsed, before any checking: elements are {@link SqlColumnDeclaration}s and
 * {@link SqlPrimaryKey}s in source order, options are {@link SqlTableOption}s. Immutable.
 */
public final class SqlCreateTable extends SqlCreate {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE TABLE", SqlKind.CREATE_TABLE);

  private final SqlIdentifier name;
  private final SqlNodeList elements;
  private final SqlNodeList options;

  /** Called by the generated parser. */
  public SqlCreateTable(SqlParserPos pos, boolean replace, boolean ifNotExists,
      SqlIdentifier name, SqlNodeList elements, SqlNodeList options) {
    super(OPERATOR, pos, replace, ifNotExists);
    this.name = name;
    this.elements = elements;
    this.options = options;
  }

  /** The table's (possibly qualified) name. */
  public SqlIdentifier name() {
    return name;
  }

  /** Column declarations and key constraints, in source order. */
  public SqlNodeList elements() {
    return elements;
  }

  /** The {@code WITH} options, empty when there are none. */
  public SqlNodeList options() {
    return options;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Arrays.asList(name, elements, options);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword(getReplace() ? "CREATE OR REPLACE TABLE" : "CREATE TABLE");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, leftPrec, rightPrec);
    Unparsing.list(writer, elements);
    if (!options.isEmpty()) {
      writer.keyword("WITH");
      Unparsing.list(writer, options);
    }
  }
}
