package dev.meridian.sql.internal;

import dev.meridian.protocol.auth.Privilege;
import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.sql.api.Catalog;
import dev.meridian.sql.api.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plans the statements that manage users and grants, which Calcite's grammar does not have:
 * <pre>
 * CREATE USER [IF NOT EXISTS] name [WITH] PASSWORD 'secret'
 * ALTER USER name [WITH] PASSWORD 'secret'
 * DROP USER [IF EXISTS] name
 * GRANT privileges ON [TABLE] table | ALL TABLES TO name
 * REVOKE privileges ON [TABLE] table | ALL TABLES FROM name
 * GRANT ADMIN TO name,  REVOKE ADMIN FROM name
 * (privileges = ALL [PRIVILEGES] | SELECT, INSERT, UPDATE, DELETE in any combination)
 * </pre>
 * User names are taken as written, quoted or not, and compared exactly (as the {@code user}
 * connection property is); table names follow the usual rules (unquoted upper-cased) and must
 * name an existing table. Stateless and thread-safe; errors are {@code 42000} with a position.
 */
final class UserStatements {
  /** The words that open a user statement; anything else is left to the SQL parser. */
  private static final java.util.regex.Pattern LEAD = java.util.regex.Pattern.compile(
      "(?:(?:CREATE|ALTER|DROP)\\s+USER|GRANT|REVOKE)\\b",
      java.util.regex.Pattern.CASE_INSENSITIVE);

  private UserStatements() {}

  /** The plan of a user statement, or null when {@code sql} is not one. */
  static Plan plan(String sql, Catalog catalog) {
    if (!LEAD.matcher(sql).region(Math.min(sql.length(),
        UnsupportedStatements.skipBlank(sql, 0)), sql.length()).lookingAt()) {
      return null;
    }
    Tokens t = new Tokens(sql);
    if (!t.hasWord()) {
      return null;
    }
    String first = t.peekKeyword();
    String second = t.peekKeyword(1);
    if (("CREATE".equals(first) || "ALTER".equals(first) || "DROP".equals(first))
        && "USER".equals(second)) {
      t.next();
      t.next();
      return switch (first) {
        case "CREATE" -> create(t);
        case "ALTER" -> alter(t);
        default -> drop(t);
      };
    }
    if ("GRANT".equals(first) || "REVOKE".equals(first)) {
      t.next();
      return grant(t, first.equals("REVOKE"), catalog);
    }
    return null;
  }

  private static Plan create(Tokens t) {
    boolean ifNotExists = false;
    if (t.acceptKeyword("IF")) {
      t.expectKeyword("NOT");
      t.expectKeyword("EXISTS");
      ifNotExists = true;
    }
    String name = t.name("a user name");
    String password = password(t);
    t.end();
    return new Plan.SetUser(name, password, true, ifNotExists);
  }

  private static Plan alter(Tokens t) {
    String name = t.name("a user name");
    String password = password(t);
    t.end();
    return new Plan.SetUser(name, password, false, false);
  }

  private static Plan drop(Tokens t) {
    boolean ifExists = false;
    if (t.acceptKeyword("IF")) {
      t.expectKeyword("EXISTS");
      ifExists = true;
    }
    String name = t.name("a user name");
    t.end();
    return new Plan.DropUser(name, ifExists);
  }

  private static String password(Tokens t) {
    t.acceptKeyword("WITH");
    t.expectKeyword("PASSWORD");
    int at = t.offset();
    String password = t.string("the password in single quotes");
    if (password.isEmpty()) {
      throw new MeridianException(SqlState.SYNTAX_ERROR, "syntax error: a password must not be"
          + " empty", UnsupportedStatements.position(t.sql, at), null);
    }
    return password;
  }

  private static Plan grant(Tokens t, boolean revoke, Catalog catalog) {
    String toOrFrom = revoke ? "FROM" : "TO";
    if (t.acceptKeyword("ADMIN")) {
      t.expectKeyword(toOrFrom);
      String user = t.name("a user name");
      t.end();
      return new Plan.Grant(user, UserRecord.ALL_TABLES, 0, true, revoke);
    }
    int bits = 0;
    if (t.acceptKeyword("ALL")) {
      t.acceptKeyword("PRIVILEGES");
      bits = Privilege.ALL_BITS;
    } else {
      do {
        String word = t.keyword("SELECT, INSERT, UPDATE, DELETE, ALL or ADMIN");
        Privilege p;
        try {
          p = Privilege.valueOf(word);
        } catch (IllegalArgumentException e) {
          p = null;
        }
        if (p == null || p == Privilege.ADMIN) {
          throw t.errorBefore("unknown privilege " + word + ": grant SELECT, INSERT, UPDATE,"
              + " DELETE, ALL, or ADMIN alone");
        }
        bits |= p.bit();
      } while (t.acceptComma());
    }
    t.expectKeyword("ON");
    String table;
    if (t.acceptKeyword("ALL")) {
      t.expectKeyword("TABLES");
      table = UserRecord.ALL_TABLES;
    } else {
      t.acceptKeyword("TABLE");
      int at = t.offset();
      table = t.tableName();
      if (catalog != null && catalog.table(table) == null) {
        throw new MeridianException(SqlState.UNDEFINED_TABLE, "table " + table
            + " does not exist", UnsupportedStatements.position(t.sql, at), null);
      }
    }
    t.expectKeyword(toOrFrom);
    String user = t.name("a user name");
    t.end();
    return new Plan.Grant(user, table, bits, false, revoke);
  }

  /** A small tokenizer: words, "quoted names", 'strings', commas; comments skipped. */
  private static final class Tokens {
    final String sql;
    private final List<int[]> tokens = new ArrayList<>(); // start, end, kind
    private int i;

    static final int WORD = 0;
    static final int QUOTED = 1;
    static final int STRING = 2;
    static final int COMMA = 3;
    static final int OTHER = 4;

    Tokens(String sql) {
      this.sql = sql;
      int p = UnsupportedStatements.skipBlank(sql, 0);
      int n = sql.length();
      while (p < n) {
        char c = sql.charAt(p);
        int end;
        int kind;
        if (Character.isLetter(c) || c == '_') {
          end = p;
          while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
              || sql.charAt(end) == '$')) {
            end++;
          }
          kind = WORD;
        } else if (c == '"' || c == '\'') {
          end = p + 1;
          while (true) {
            if (end >= n) {
              throw new MeridianException(SqlState.SYNTAX_ERROR, "syntax error: unterminated "
                  + (c == '"' ? "quoted name" : "string"), UnsupportedStatements.position(sql, p),
                  null);
            }
            if (sql.charAt(end) == c) {
              if (end + 1 < n && sql.charAt(end + 1) == c) {
                end += 2;
                continue;
              }
              end++;
              break;
            }
            end++;
          }
          kind = c == '"' ? QUOTED : STRING;
        } else if (c == ',') {
          end = p + 1;
          kind = COMMA;
        } else {
          end = p + 1;
          kind = OTHER;
        }
        tokens.add(new int[] {p, end, kind});
        p = UnsupportedStatements.skipBlank(sql, end);
      }
      // A trailing semicolon is allowed.
      if (!tokens.isEmpty()) {
        int[] last = tokens.get(tokens.size() - 1);
        if (last[2] == OTHER && sql.charAt(last[0]) == ';') {
          tokens.remove(tokens.size() - 1);
        }
      }
    }

    boolean hasWord() {
      return !tokens.isEmpty() && tokens.get(0)[2] == WORD;
    }

    String peekKeyword() {
      return peekKeyword(0);
    }

    String peekKeyword(int ahead) {
      int k = i + ahead;
      if (k >= tokens.size() || tokens.get(k)[2] != WORD) {
        return null;
      }
      return text(tokens.get(k)).toUpperCase(Locale.ROOT);
    }

    void next() {
      i++;
    }

    int offset() {
      return i < tokens.size() ? tokens.get(i)[0] : sql.length();
    }

    boolean acceptKeyword(String keyword) {
      if (keyword.equals(peekKeyword())) {
        i++;
        return true;
      }
      return false;
    }

    void expectKeyword(String keyword) {
      if (!acceptKeyword(keyword)) {
        throw error("expected " + keyword);
      }
    }

    String keyword(String what) {
      String k = peekKeyword();
      if (k == null) {
        throw error("expected " + what);
      }
      i++;
      return k;
    }

    boolean acceptComma() {
      if (i < tokens.size() && tokens.get(i)[2] == COMMA) {
        i++;
        return true;
      }
      return false;
    }

    /** A user name: a word as written, or a quoted name. */
    String name(String what) {
      if (i >= tokens.size()) {
        throw error("expected " + what);
      }
      int[] tok = tokens.get(i);
      if (tok[2] == WORD) {
        i++;
        return text(tok);
      }
      if (tok[2] == QUOTED) {
        i++;
        return unquote(tok, '"');
      }
      throw error("expected " + what);
    }

    /** A table name: unquoted words upper-cased, quoted ones as written. */
    String tableName() {
      if (i < tokens.size() && tokens.get(i)[2] == WORD) {
        return text(tokens.get(i++)).toUpperCase(Locale.ROOT);
      }
      return name("a table name");
    }

    String string(String what) {
      if (i >= tokens.size() || tokens.get(i)[2] != STRING) {
        // What stands here may be the password itself, typed without quotes: never echo it.
        throw new MeridianException(SqlState.SYNTAX_ERROR, "syntax error: expected " + what,
            UnsupportedStatements.position(sql, offset()), null);
      }
      return unquote(tokens.get(i++), '\'');
    }

    void end() {
      if (i < tokens.size()) {
        throw error("unexpected \"" + shorten(text(tokens.get(i))) + "\" after the statement");
      }
    }

    MeridianException error(String what) {
      String at = i < tokens.size() ? "syntax error at \"" + shorten(text(tokens.get(i))) + "\""
          : "syntax error: unexpected end of statement";
      return new MeridianException(SqlState.SYNTAX_ERROR, at + "; " + what,
          UnsupportedStatements.position(sql, offset()), null);
    }

    MeridianException errorBefore(String what) {
      i--;
      return new MeridianException(SqlState.SYNTAX_ERROR, what,
          UnsupportedStatements.position(sql, offset()), null);
    }

    private String text(int[] tok) {
      return sql.substring(tok[0], tok[1]);
    }

    private String unquote(int[] tok, char q) {
      String inner = sql.substring(tok[0] + 1, tok[1] - 1);
      return inner.replace(String.valueOf(q) + q, String.valueOf(q));
    }

    private static String shorten(String s) {
      // Never echo a whole password back.
      return s.startsWith("'") ? "'…'" : s.length() > 30 ? s.substring(0, 30) + "…" : s;
    }
  }
}
