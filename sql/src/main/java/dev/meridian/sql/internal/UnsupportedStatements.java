package dev.meridian.sql.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlPosition;
import dev.meridian.protocol.error.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recognises statements that Calcite's grammar cannot parse but that are real SQL Meridian does
 * not support ({@code COMMIT}, {@code CREATE VIEW}, ...), so that they fail with {@code 0A000}
 * naming the statement rather than with a syntax error. Consulted only after a parse failure.
 */
final class UnsupportedStatements {
  private static final Set<String> TRANSACTION_CONTROL =
      Set.of("COMMIT", "ROLLBACK", "BEGIN", "START", "SAVEPOINT", "RELEASE", "END", "ABORT");
  private static final Set<String> OTHER = Set.of("TRUNCATE", "SHOW", "USE",
      "ANALYZE", "LOCK", "UNLOCK", "VACUUM", "COPY", "REPLACE", "PREPARE", "EXECUTE", "DEALLOCATE",
      "COMMENT", "RENAME", "DECLARE", "LOAD", "REINDEX", "CLUSTER", "LISTEN", "NOTIFY", "DO");
  private static final java.util.regex.Pattern LOCKING = java.util.regex.Pattern.compile(
      "\\bFOR\\s+(UPDATE|SHARE|NO\\s+KEY\\s+UPDATE|KEY\\s+SHARE)\\b",
      java.util.regex.Pattern.CASE_INSENSITIVE);
  private static final Set<String> DDL = Set.of("CREATE", "DROP", "ALTER");
  private static final Set<String> DDL_MODIFIERS = Set.of("OR", "REPLACE", "TEMPORARY", "TEMP",
      "GLOBAL", "LOCAL", "UNIQUE", "MATERIALIZED", "UNLOGGED", "EXTERNAL", "FOREIGN");

  private UnsupportedStatements() {}

  /** A {@code 0A000} for an unsupported kind of statement, or null to report a syntax error. */
  static MeridianException recognize(String sql) {
    List<String> words = new ArrayList<>(4);
    int start = leadingWords(sql, words, 4);
    if (words.isEmpty()) {
      return null;
    }
    SqlPosition position = position(sql, start);
    String first = words.get(0);
    if (TRANSACTION_CONTROL.contains(first)) {
      return new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, first
          + " is not supported: Meridian runs every statement on its own (autocommit)",
          position, null);
    }
    if (OTHER.contains(first)) {
      return new MeridianException(SqlState.FEATURE_NOT_SUPPORTED,
          first + " statements are not supported", position, null);
    }
    if (first.equals("SELECT") || first.equals("WITH")) {
      java.util.regex.Matcher lock = LOCKING.matcher(sql);
      if (lock.find()) {
        return new MeridianException(SqlState.FEATURE_NOT_SUPPORTED, "SELECT ... FOR "
            + lock.group(1).toUpperCase(Locale.ROOT) + " is not supported: Meridian has no row"
            + " locks (every statement runs on its own); drop the FOR clause",
            position(sql, lock.start()), null);
      }
      return null;
    }
    if (!DDL.contains(first)) {
      return null;
    }
    int i = 1;
    while (i < words.size() - 1 && DDL_MODIFIERS.contains(words.get(i))) {
      i++;
    }
    if (i >= words.size()) {
      return null;
    }
    boolean plainTable = i == 1
        && (words.get(i).equals("TABLE") || words.get(i).equals("INDEX"));
    if (plainTable && !first.equals("ALTER")) {
      return null; // CREATE/DROP TABLE or INDEX with a real syntax error
    }
    String statement = String.join(" ", words.subList(0, i + 1));
    return new MeridianException(SqlState.FEATURE_NOT_SUPPORTED,
        statement + " is not supported", position, null);
  }

  /** Collects up to {@code max} leading words, upper-cased; returns the offset of the first. */
  private static int leadingWords(String sql, List<String> words, int max) {
    int first = -1;
    int i = skipBlank(sql, 0);
    int n = sql.length();
    while (i < n && words.size() < max && Character.isLetter(sql.charAt(i))) {
      int j = i;
      while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
        j++;
      }
      if (first < 0) {
        first = i;
      }
      words.add(sql.substring(i, j).toUpperCase(Locale.ROOT));
      i = skipBlank(sql, j);
    }
    return first;
  }

  /** The offset of the first character at or after {@code i} that is not blank or comment. */
  static int skipBlank(String sql, int i) {
    int n = sql.length();
    while (i < n) {
      if (Character.isWhitespace(sql.charAt(i))) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    return i;
  }

  /** Where the statement's first token is. */
  static SqlPosition start(String sql) {
    return position(sql, Math.min(skipBlank(sql, 0), sql.length()));
  }

  static SqlPosition position(String sql, int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset; i++) {
      if (sql.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new SqlPosition(line, column);
  }
}
