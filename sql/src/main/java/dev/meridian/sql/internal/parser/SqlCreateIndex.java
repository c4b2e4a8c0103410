package dev.meridian.sql.internal.parser;

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
 * {@code CREATE INDEX [IF NOT EXISTS] name ON table (column [ASC | DESC], ...)} as parsed.
 * Immutable.
 */
public final class SqlCreateIndex extends SqlCreate {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE INDEX", SqlKind.CREATE_INDEX);

  private final SqlIdentifier name;
  private final SqlIdentifier table;
  private final SqlNodeList columns;
  private final List<Boolean> descending;

  /** Called by the generated parser. */
  public SqlCreateIndex(SqlParserPos pos, boolean ifNotExists, SqlIdentifier name,
      SqlIdentifier table, SqlNodeList columns, List<Boolean> descending) {
    super(OPERATOR, pos, false, ifNotExists);
    this.name = name;
    this.table = table;
    this.columns = columns;
    this.descending = List.copyOf(descending);
  }

  /** The index's name. */
  public SqlIdentifier name() {
    return name;
  }

  /** The table's (possibly qualified) name. */
  public SqlIdentifier table() {
    return table;
  }

  /** The indexed columns (simple identifiers), in order. */
  public SqlNodeList columns() {
    return columns;
  }

  /** Per indexed column, whether it is descending. */
  public List<Boolean> descending() {
    return descending;
  }

  /** Whether IF NOT EXISTS was given. */
  public boolean ifNotExists() {
    return ifNotExists;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(name, table, columns);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE INDEX");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, leftPrec, rightPrec);
    writer.keyword("ON");
    table.unparse(writer, leftPrec, rightPrec);
    SqlWriter.Frame frame = writer.startList("(", ")");
    for (int i = 0; i < columns.size(); i++) {
      writer.sep(",");
      columns.get(i).unparse(writer, 0, 0);
      if (descending.get(i)) {
        writer.keyword("DESC");
      }
    }
    writer.endList(frame);
  }
}
