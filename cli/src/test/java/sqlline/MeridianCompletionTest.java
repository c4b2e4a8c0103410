package sqlline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.impl.history.DefaultHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/meridian sql} is sqlline on a Meridian URL: sqlline reads table and column names
 * from DatabaseMetaData ({@code getTables}, {@code getColumns}) and offers them as completions.
 * Lives in sqlline's package to drive its (package-private) completer as the shell does.
 */
class MeridianCompletionTest {

  @Test
  void tableAndColumnNamesComplete(@TempDir Path home) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SqlLine sqlLine = new SqlLine();
    sqlLine.setOutputStream(new PrintStream(out, true, StandardCharsets.UTF_8));
    sqlLine.setErrorStream(new PrintStream(out, true, StandardCharsets.UTF_8));
    DispatchCallback callback = new DispatchCallback();
    String url = "jdbc:meridian:mem:completion?regions=us-east-1";
    sqlLine.runCommands(List.of(
        "!set historyFile " + home.resolve("history"),
        "!set isolation TRANSACTION_READ_UNCOMMITTED",
        "!connect " + url + " user secret",
        "CREATE TABLE bookshelf (id BIGINT PRIMARY KEY, title VARCHAR(40), shelf INTEGER)",
        "UPSERT INTO bookshelf VALUES (1, 'Dune', 3)",
        "!tables",
        "!columns BOOKSHELF"), callback);
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(callback.isSuccess(), printed);
    try {
      DatabaseConnection db = sqlLine.getDatabaseConnection();
      assertTrue(db.getTableNames(true).contains("BOOKSHELF"), db.getTableNames(true) + "");
      // !tables and !columns print DatabaseMetaData.getTables and getColumns.
      assertTrue(printed.contains("BOOKSHELF"), printed);
      assertTrue(printed.contains("TITLE") && printed.contains("VARCHAR"), printed);
      assertTrue(printed.contains("REPLICATION_LINKS"), "system tables are listed: " + printed);

      // The shell's own line reader (on a dumb terminal over this input), as sqlline builds it.
      LineReader reader = sqlLine.getConsoleReader(new ByteArrayInputStream(new byte[0]),
          new DefaultHistory());
      try {
        Set<String> offered = complete(new SqlCompleter(sqlLine, false), reader,
            "SELECT title FROM BOOK");
        assertTrue(offered.contains("BOOKSHELF"), offered.toString());
        assertTrue(offered.contains("UPSERT"), "getSQLKeywords feeds the keywords: " + offered);
        Set<String> columns = complete(new SqlCompleter(sqlLine, false), reader,
            "SELECT BOOKSHELF.");
        assertTrue(columns.contains("BOOKSHELF.TITLE") && columns.contains("BOOKSHELF.SHELF"),
            columns.toString());
      } finally {
        reader.getTerminal().close();
      }
    } finally {
      sqlLine.runCommands(List.of("!closeall"), new DispatchCallback());
    }
    assertEquals(0, sqlLine.getDatabaseConnections().size());
  }

  private static Set<String> complete(SqlCompleter completer, LineReader reader, String line) {
    ParsedLine parsed = reader.getParser().parse(line, line.length(),
        Parser.ParseContext.COMPLETE);
    List<Candidate> candidates = new ArrayList<>();
    completer.complete(reader, parsed, candidates);
    return candidates.stream().map(Candidate::value).collect(Collectors.toSet());
  }
}
