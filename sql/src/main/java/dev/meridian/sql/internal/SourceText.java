package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlPosition;
import dev.meridian.protocol.error.SqlState;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The text of the statement being planned: turns Calcite's positions into ours and quotes what
 * the user wrote in error messages, so a message names {@code a + 1} as typed rather than as
 * Calcite would print it back.
 */
final class SourceText {
  private static final int MAX_QUOTED = 60;

  private final String sql;
  private final int[] lineStarts;

  SourceText(String sql) {
    this.sql = sql;
    int lines = 1;
    for (int i = 0; i < sql.length(); i++) {
      if (sql.charAt(i) == '\n') {
        lines++;
      }
    }
    lineStarts = new int[lines];
    int line = 1;
    for (int i = 0; i < sql.length(); i++) {
      if (sql.charAt(i) == '\n') {
        lineStarts[line++] = i + 1;
      }
    }
  }

  /** Where a node starts, or null when Calcite gave it no position. */
  static SqlPosition position(SqlNode node) {
    return position(node.getParserPosition());
  }

  /** Our 1-based position for Calcite's (also 1-based; line 0 means "none"). */
  static SqlPosition position(SqlParserPos pos) {
    if (pos == null || pos.getLineNum() <= 0) {
      return null;
    }
    return new SqlPosition(pos.getLineNum(), Math.max(1, pos.getColumnNum()));
  }

  /** An exception positioned at a node. */
  static MeridianException error(SqlState state, String message, SqlNode at) {
    return new MeridianException(state, message, position(at), null);
  }

  /** An exception positioned at a node, keeping its cause. */
  static MeridianException error(SqlState state, String message, SqlNode at, Throwable cause) {
    return new MeridianException(state, message, position(at), cause);
  }

  /** What the user wrote for a node, whitespace collapsed and shortened for a message. */
  String quote(SqlNode node) {
    String text = quote(node.getParserPosition());
    return text != null ? text : shorten(node.toString());
  }

  /** What the user wrote between two positions, shortened; null when they are unknown. */
  String quote(SqlParserPos pos) {
    String text = slice(pos);
    return text == null ? null : shorten(text);
  }

  private static String shorten(String text) {
    text = text.strip().replaceAll("\\s+", " ");
    if (text.length() > MAX_QUOTED) {
      text = text.substring(0, MAX_QUOTED - 3) + "...";
    }
    return text;
  }

  private String slice(SqlParserPos pos) {
    if (pos == null || pos.getLineNum() <= 0 || pos.getEndLineNum() <= 0) {
      return null;
    }
    int from = offset(pos.getLineNum(), pos.getColumnNum());
    int to = offset(pos.getEndLineNum(), pos.getEndColumnNum()) + 1;
    if (from < 0 || to > sql.length() || from >= to) {
      return null;
    }
    return sql.substring(from, to);
  }

  private int offset(int line, int column) {
    if (line > lineStarts.length || column < 1) {
      return -1;
    }
    return lineStarts[line - 1] + column - 1;
  }
}
