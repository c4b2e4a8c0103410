package dev.meridian.sql.internal.parser;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * One column of a {@link SqlCreateTable}: {@code name type [NULL | NOT NULL] [PRIMARY KEY]}.
 * Immutable.
 */
public final class SqlColumnDeclaration extends SqlCall {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("COLUMN_DECL", SqlKind.COLUMN_DECL);

  private final SqlIdentifier name;
  private final SqlDataTypeSpec type;
  private final Boolean nullable;
  private final boolean primaryKey;

  /**
   * Called by the generated parser.
   *
   * @param nullable TRUE for {@code NULL}, FALSE for {@code NOT NULL}, null when not said
   */
  public SqlColumnDeclaration(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec type,
      Boolean nullable, boolean primaryKey) {
    super(pos);
    this.name = name;
    this.type = type;
    this.nullable = nullable;
    this.primaryKey = primaryKey;
  }

  /** The column's name. */
  public SqlIdentifier name() {
    return name;
  }

  /** The declared type, as Calcite parsed it. */
  public SqlDataTypeSpec type() {
    return type;
  }

  /** TRUE for an explicit {@code NULL}, FALSE for {@code NOT NULL}, null when not said. */
  public Boolean nullable() {
    return nullable;
  }

  /** Whether the column was declared {@code PRIMARY KEY} inline. */
  public boolean primaryKey() {
    return primaryKey;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(name, type);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    name.unparse(writer, 0, 0);
    type.unparse(writer, 0, 0);
    if (nullable != null) {
      writer.keyword(nullable ? "NULL" : "NOT NULL");
    }
    if (primaryKey) {
      writer.keyword("PRIMARY KEY");
    }
  }
}
