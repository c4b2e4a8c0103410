package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlPosition;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.sql.internal.parser.MeridianSqlParserImpl;
import java.util.Collection;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * Parses one SQL statement with Meridian's generated parser and turns Calcite's parse errors
 * into {@link MeridianException}s with a position and a short message.
 */
final class StatementParser {
  /** Identifier rules of the contract: SQL standard casing and quoting, names up to 128. */
  static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(MeridianSqlParserImpl.FACTORY)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.TO_UPPER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(true)
      .withIdentifierMaxLength(128);

  private static final int MAX_EXPECTED_SHOWN = 6;
  private static final Pattern ENCOUNTERED = Pattern.compile("Encountered \"(.*?)\" at line");
  private static final Pattern AT_LINE =
      Pattern.compile("\\s*\\(?\\s*at line \\d+, column \\d+\\)?\\.?", Pattern.CASE_INSENSITIVE);

  private StatementParser() {}

  /** The one statement in {@code sql}; a trailing semicolon is allowed. */
  static SqlNode parse(String sql) {
    if (UnsupportedStatements.skipBlank(sql, 0) == sql.length()) {
      // Calcite's parser breaks on a text with no statement (an IndexOutOfBoundsException inside).
      throw new MeridianException(SqlState.SYNTAX_ERROR,
          "empty statement: the SQL text holds no statement");
    }
    SqlNodeList statements;
    try {
      statements = SqlParser.create(sql, CONFIG).parseStmtList();
    } catch (SqlParseException e) {
      MeridianException unsupported = UnsupportedStatements.recognize(sql);
      throw unsupported != null ? unsupported : syntaxError(e, new SourceText(sql));
    }
    if (statements.isEmpty()) {
      throw new MeridianException(SqlState.SYNTAX_ERROR,
          "empty statement: the SQL text holds no statement");
    }
    if (statements.size() > 1) {
      throw SourceText.error(SqlState.FEATURE_NOT_SUPPORTED,
          "more than one statement in one SQL text is not supported; found "
              + statements.size() + ", send them one at a time",
          statements.get(1));
    }
    return statements.get(0);
  }

  private static MeridianException syntaxError(SqlParseException e, SourceText text) {
    SqlPosition position = SourceText.position(e.getPos());
    String message = firstLine(e.getMessage());
    Matcher encountered = ENCOUNTERED.matcher(message);
    if (encountered.find()) {
      // Calcite escapes quotes inside the token it prints.
      String token = encountered.group(1).replace("\\'", "'").replace("\\\"", "\"");
      String what = token.equals("<EOF>") ? "syntax error: unexpected end of statement"
          : "syntax error at \"" + token + "\"";
      return new MeridianException(SqlState.SYNTAX_ERROR,
          what + expected(e.getExpectedTokenNames()), position, e);
    }
    message = AT_LINE.matcher(message).replaceAll("").replaceAll("\\s+", " ").strip();
    String near = text.quote(e.getPos());
    String what = near == null ? "syntax error: " : "syntax error at \"" + near + "\": ";
    return new MeridianException(SqlState.SYNTAX_ERROR, what + message, position, e);
  }

  private static String expected(Collection<String> tokens) {
    if (tokens == null || tokens.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("; expected ");
    if (tokens.size() > 1) {
      b.append("one of ");
    }
    Iterator<String> it = tokens.iterator();
    for (int i = 0; i < MAX_EXPECTED_SHOWN && it.hasNext(); i++) {
      b.append(i == 0 ? "" : ", ").append(it.next());
    }
    if (tokens.size() > MAX_EXPECTED_SHOWN) {
      b.append(" or ").append(tokens.size() - MAX_EXPECTED_SHOWN).append(" more");
    }
    return b.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
