<#--
  Meridian's additions to Calcite's grammar: CREATE/DROP/ALTER TABLE and CREATE/DROP INDEX.
  The SqlNode classes they build live in dev.meridian.sql.internal.parser.
-->

boolean IfNotExistsOpt() :
{
}
{
    // Three tokens so that a table called IF still parses.
    LOOKAHEAD(3) <IF> <NOT> <EXISTS> { return true; }
|
    { return false; }
}

boolean IfExistsOpt() :
{
}
{
    LOOKAHEAD(2) <IF> <EXISTS> { return true; }
|
    { return false; }
}

/**
 * CREATE TABLE [IF NOT EXISTS] name ( element, ... ) [WITH ( option = 'value', ... )]
 * where an element is a column declaration or a table-level PRIMARY KEY constraint.
 */
SqlCreate SqlCreateTable(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier id;
    final Span elementSpan;
    final List<SqlNode> elements = new ArrayList<SqlNode>();
    SqlNodeList tableOptions = SqlNodeList.EMPTY;
}
{
    <TABLE> ifNotExists = IfNotExistsOpt() id = CompoundIdentifier()
    <LPAREN> { elementSpan = span(); }
    TableElement(elements)
    ( <COMMA> TableElement(elements) )*
    <RPAREN>
    [ tableOptions = TableOptions() ]
    {
        return new SqlCreateTable(s.end(this), replace, ifNotExists, id,
            new SqlNodeList(elements, elementSpan.end(this)), tableOptions);
    }
}

void TableElement(List<SqlNode> list) :
{
    final SqlIdentifier id;
    final Token typeStart;
    SqlDataTypeSpec type;
    Boolean nullable = null;
    boolean primaryKey = false;
    final Span s = Span.of();
    SqlIdentifier name = null;
    final SqlNodeList columns;
}
{
    id = SimpleIdentifier() { s.add(id); typeStart = getToken(1); }
    type = DataType() {
        // ROW and MAP type specs start at their last token; make the span cover the whole type.
        type = (SqlDataTypeSpec) type.clone(
            new SqlParserPos(typeStart.beginLine, typeStart.beginColumn)
                .plus(type.getParserPosition()));
    }
    [
        <NULL> { nullable = Boolean.TRUE; }
    |
        <NOT> <NULL> { nullable = Boolean.FALSE; }
    ]
    [ <PRIMARY> <KEY> { primaryKey = true; } ]
    {
        list.add(new SqlColumnDeclaration(s.end(this), id, type, nullable, primaryKey));
    }
|
    [ <CONSTRAINT> { s.add(this); } name = SimpleIdentifier() ]
    <PRIMARY> { s.add(this); } <KEY>
    columns = ParenthesizedSimpleIdentifierList()
    {
        list.add(new SqlPrimaryKey(s.end(this), name, columns));
    }
}

SqlNodeList TableOptions() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
}
{
    <WITH> { s = span(); }
    <LPAREN> TableOption(list) ( <COMMA> TableOption(list) )* <RPAREN>
    {
        return new SqlNodeList(list, s.end(this));
    }
}

void TableOption(List<SqlNode> list) :
{
    final SqlIdentifier key;
    SqlNode region = null;
    final SqlNode value;
}
{
    key = SimpleIdentifier() [ <LBRACKET> region = StringLiteral() <RBRACKET> ]
    <EQ> value = StringLiteral()
    {
        list.add(new SqlTableOption(Span.of(key, value).pos(), key, region, value));
    }
}

/** An option named by RESET: key or key['region'], without a value. */
void ResetOption(List<SqlNode> list) :
{
    final SqlIdentifier key;
    SqlNode region = null;
    final Span s;
}
{
    key = SimpleIdentifier() { s = Span.of(key); }
    [ <LBRACKET> region = StringLiteral() <RBRACKET> ]
    {
        list.add(new SqlTableOption(s.end(this), key, region, null));
    }
}

/** DROP TABLE [IF EXISTS] name. */
SqlDrop SqlDropTable(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier id;
}
{
    <TABLE> ifExists = IfExistsOpt() id = CompoundIdentifier()
    {
        return new SqlDropTable(s.end(this), ifExists, id);
    }
}

/** CREATE INDEX [IF NOT EXISTS] name ON table ( column [ASC | DESC], ... ). */
SqlCreate SqlCreateIndex(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier id;
    final SqlIdentifier table;
    final Span columnSpan;
    final List<SqlNode> columns = new ArrayList<SqlNode>();
    final List<Boolean> descending = new ArrayList<Boolean>();
}
{
    <INDEX> ifNotExists = IfNotExistsOpt() id = SimpleIdentifier()
    <ON> table = CompoundIdentifier()
    <LPAREN> { columnSpan = span(); }
    IndexColumn(columns, descending)
    ( <COMMA> IndexColumn(columns, descending) )*
    <RPAREN>
    {
        return new SqlCreateIndex(s.end(this), ifNotExists, id, table,
            new SqlNodeList(columns, columnSpan.end(this)), descending);
    }
}

void IndexColumn(List<SqlNode> columns, List<Boolean> descending) :
{
    final SqlIdentifier id;
    boolean desc = false;
}
{
    id = SimpleIdentifier()
    [ <ASC> | <DESC> { desc = true; } ]
    {
        columns.add(id);
        descending.add(desc);
    }
}

/** DROP INDEX [IF EXISTS] name. */
SqlDrop SqlDropIndex(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier id;
}
{
    <INDEX> ifExists = IfExistsOpt() id = SimpleIdentifier()
    {
        return new SqlDropIndex(s.end(this), ifExists, id);
    }
}

/**
 * ALTER TABLE name
 *   ADD [COLUMN] [IF NOT EXISTS] column type [NULL | NOT NULL] [DEFAULT expression]
 * | DROP [COLUMN] [IF EXISTS] column
 * | RENAME COLUMN column TO newName
 * | RENAME TO newName
 * | ALTER [COLUMN] column [SET DATA] TYPE type
 * | SET ( key[['region']] = 'value', ... )
 * | RESET ( key[['region']], ... )
 */
SqlNode SqlAlterTable() :
{
    final Span s;
    final SqlIdentifier table;
    SqlAlterTable.Action action;
    boolean ifFlag = false;
    SqlIdentifier column = null;
    SqlIdentifier newName = null;
    SqlDataTypeSpec type = null;
    SqlNode defaultValue = null;
    Boolean nullable = null;
    final Span columnSpan;
    Token typeStart;
    final List<SqlNode> optionList = new ArrayList<SqlNode>();
    final Span optionSpan;
}
{
    <ALTER> { s = span(); } <TABLE> table = CompoundIdentifier()
    (
        <SET> <LPAREN> { optionSpan = span(); }
        TableOption(optionList) ( <COMMA> TableOption(optionList) )* <RPAREN>
        {
            return new SqlAlterTable(s.end(this), table, SqlAlterTable.Action.SET_OPTIONS,
                new SqlNodeList(optionList, optionSpan.end(this)));
        }
    |
        <RESET> <LPAREN> { optionSpan = span(); }
        ResetOption(optionList) ( <COMMA> ResetOption(optionList) )* <RPAREN>
        {
            return new SqlAlterTable(s.end(this), table, SqlAlterTable.Action.RESET_OPTIONS,
                new SqlNodeList(optionList, optionSpan.end(this)));
        }
    |
        <ADD> [ <COLUMN> ] ifFlag = IfNotExistsOpt()
        column = SimpleIdentifier() { columnSpan = Span.of(column); typeStart = getToken(1); }
        type = DataType() {
            type = (SqlDataTypeSpec) type.clone(
                new SqlParserPos(typeStart.beginLine, typeStart.beginColumn)
                    .plus(type.getParserPosition()));
        }
        [
            <NULL> { nullable = Boolean.TRUE; }
        |
            <NOT> <NULL> { nullable = Boolean.FALSE; }
        ]
        [ <DEFAULT_> defaultValue = Expression(ExprContext.ACCEPT_NON_QUERY) ]
        {
            return new SqlAlterTable(s.end(this), table, SqlAlterTable.Action.ADD_COLUMN, ifFlag,
                new SqlColumnDeclaration(columnSpan.end(this), column, type, nullable, false),
                defaultValue, null, null, null);
        }
    |
        <DROP> [ <COLUMN> ] ifFlag = IfExistsOpt() column = SimpleIdentifier()
        {
            return new SqlAlterTable(s.end(this), table, SqlAlterTable.Action.DROP_COLUMN, ifFlag,
                null, null, column, null, null);
        }
    |
        <RENAME>
        (
            <COLUMN> column = SimpleIdentifier() <TO> newName = SimpleIdentifier()
            { action = SqlAlterTable.Action.RENAME_COLUMN; }
        |
            <TO> newName = CompoundIdentifier() { action = SqlAlterTable.Action.RENAME_TABLE; }
        )
        {
            return new SqlAlterTable(s.end(this), table, action, false, null, null, column,
                newName, null);
        }
    |
        <ALTER> [ <COLUMN> ] column = SimpleIdentifier()
        [ <SET> <DATA> ] <TYPE> { typeStart = getToken(1); }
        type = DataType() {
            type = (SqlDataTypeSpec) type.clone(
                new SqlParserPos(typeStart.beginLine, typeStart.beginColumn)
                    .plus(type.getParserPosition()));
            return new SqlAlterTable(s.end(this), table, SqlAlterTable.Action.ALTER_TYPE, false,
                null, null, column, null, type);
        }
    )
}

/**
 * Type names tools emit that are keywords in Calcite's grammar: DATETIME [ ( precision ) ] is
 * TIMESTAMP; CLOB and BLOB become named types that the planner refuses, naming what to use.
 */
SqlTypeNameSpec DateTimeAliasType() :
{
    final Span s;
    int precision = -1;
}
{
    <DATETIME> { s = span(); }
    [ <LPAREN> precision = UnsignedIntLiteral() <RPAREN> ]
    {
        return new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP, precision, s.end(this));
    }
|
    ( <CLOB> | <BLOB> )
    {
        return new SqlUserDefinedTypeNameSpec(token.image.toUpperCase(Locale.ROOT), getPos());
    }
}
