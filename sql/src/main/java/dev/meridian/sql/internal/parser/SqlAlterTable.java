package dev.meridian.sql.internal.parser;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code ALTER TABLE name action} as parsed, one action per statement:
 * <ul>
 *   <li>{@code ADD [COLUMN] [IF NOT EXISTS] column type [NULL | NOT NULL] [DEFAULT expr]}:
 *       {@link #column()}, {@link #defaultValue()}
 *   <li>{@code DROP [COLUMN] [IF EXISTS] column}: {@link #target()}
 *   <li>{@code RENAME COLUMN column TO new}: {@link #target()}, {@link #newName()}
 *   <li>{@code RENAME TO new}: {@link #newName()}
 *   <li>{@code ALTER [COLUMN] column [SET DATA] TYPE type}: {@link #target()}, {@link #type()}
 *   <li>{@code SET (option = 'value', …)}, {@code RESET (option, …)}: {@link #options()}, each a
 *       {@link SqlTableOption}
 * </ul>
 * Immutable.
 */
public final class SqlAlterTable extends SqlCall {
  private static final SqlOperator OPERATOR =
      new SqlSpecialOperator("ALTER TABLE", SqlKind.ALTER_TABLE);

  /** What the statement does. */
  public enum Action {
    ADD_COLUMN, DROP_COLUMN, RENAME_COLUMN, RENAME_TABLE, ALTER_TYPE, SET_OPTIONS, RESET_OPTIONS
  }

  private final SqlIdentifier table;
  private final Action action;
  private final boolean ifFlag;
  private final SqlColumnDeclaration column;
  private final SqlIdentifier target;
  private final SqlIdentifier newName;
  private final SqlDataTypeSpec type;
  private final SqlNode defaultValue;
  private final SqlNodeList options;

  /** Called by the generated parser; the parts an action does not use are null. */
  public SqlAlterTable(SqlParserPos pos, SqlIdentifier table, Action action, boolean ifFlag,
      SqlColumnDeclaration column, SqlNode defaultValue, SqlIdentifier target,
      SqlIdentifier newName, SqlDataTypeSpec type) {
    super(pos);
    this.table = table;
    this.action = action;
    this.ifFlag = ifFlag;
    this.column = column;
    this.target = target;
    this.newName = newName;
    this.type = type;
    this.defaultValue = defaultValue;
    this.options = SqlNodeList.EMPTY;
  }

  /** Called by the generated parser for SET (…) and RESET (…). */
  public SqlAlterTable(SqlParserPos pos, SqlIdentifier table, Action action,
      SqlNodeList options) {
    super(pos);
    this.table = table;
    this.action = action;
    this.ifFlag = false;
    this.column = null;
    this.target = null;
    this.newName = null;
    this.type = null;
    this.defaultValue = null;
    this.options = options;
  }

  /** The options set or reset, each a {@link SqlTableOption}; empty for other actions. */
  public SqlNodeList options() {
    return options;
  }

  /** The DEFAULT expression of an added column, or null when none was given. */
  public SqlNode defaultValue() {
    return defaultValue;
  }

  /** The table altered. */
  public SqlIdentifier table() {
    return table;
  }

  /** The action. */
  public Action action() {
    return action;
  }

  /** IF NOT EXISTS (ADD COLUMN) or IF EXISTS (DROP COLUMN) was given. */
  public boolean ifFlag() {
    return ifFlag;
  }

  /** The added column, for ADD COLUMN. */
  public SqlColumnDeclaration column() {
    return column;
  }

  /** The column dropped, renamed or retyped. */
  public SqlIdentifier target() {
    return target;
  }

  /** The new name, for RENAME. */
  public SqlIdentifier newName() {
    return newName;
  }

  /** The new type, for ALTER COLUMN … TYPE. */
  public SqlDataTypeSpec type() {
    return type;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    List<SqlNode> operands = new ArrayList<>();
    for (SqlNode n : new SqlNode[] {table, column, defaultValue, target, newName, type}) {
      if (n != null) {
        operands.add(n);
      }
    }
    operands.addAll(options);
    return operands;
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("ALTER TABLE");
    table.unparse(writer, leftPrec, rightPrec);
    switch (action) {
      case ADD_COLUMN -> {
        writer.keyword("ADD COLUMN");
        if (ifFlag) {
          writer.keyword("IF NOT EXISTS");
        }
        column.unparse(writer, leftPrec, rightPrec);
        if (defaultValue != null) {
          writer.keyword("DEFAULT");
          defaultValue.unparse(writer, leftPrec, rightPrec);
        }
      }
      case DROP_COLUMN -> {
        writer.keyword("DROP COLUMN");
        if (ifFlag) {
          writer.keyword("IF EXISTS");
        }
        target.unparse(writer, leftPrec, rightPrec);
      }
      case RENAME_COLUMN -> {
        writer.keyword("RENAME COLUMN");
        target.unparse(writer, leftPrec, rightPrec);
        writer.keyword("TO");
        newName.unparse(writer, leftPrec, rightPrec);
      }
      case RENAME_TABLE -> {
        writer.keyword("RENAME TO");
        newName.unparse(writer, leftPrec, rightPrec);
      }
      case ALTER_TYPE -> {
        writer.keyword("ALTER COLUMN");
        target.unparse(writer, leftPrec, rightPrec);
        writer.keyword("TYPE");
        type.unparse(writer, leftPrec, rightPrec);
      }
      case SET_OPTIONS, RESET_OPTIONS -> {
        writer.keyword(action == Action.SET_OPTIONS ? "SET" : "RESET");
        SqlWriter.Frame frame = writer.startList("(", ")");
        for (SqlNode option : options) {
          writer.sep(",");
          option.unparse(writer, 0, 0);
        }
        writer.endList(frame);
      }
    }
  }
}
