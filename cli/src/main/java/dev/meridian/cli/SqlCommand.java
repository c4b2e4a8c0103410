package dev.meridian.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;
import sqlline.SqlLine;

/**
 * {@code meridian sql}: sqlline, a real JDBC shell, on a Meridian URL. Every option goes to
 * sqlline unchanged ({@code -u URL}, {@code -f script}, {@code -e statement}, ...); a bare URL
 * is taken as {@code -u URL}.
 */
@Command(name = "sql", description = {
    "Runs SQL on a Meridian URL with sqlline.",
    "Examples:",
    "  meridian sql 'jdbc:meridian:mem:demo?regions=us-east-1'",
    "  meridian sql -u 'jdbc:meridian://us-east-1=127.0.0.1:7400/' -f script.sql",
    "Options other than these are passed to sqlline (see sqlline --help)."})
final class SqlCommand implements Callable<Integer> {

  @Unmatched
  List<String> sqllineArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    // The embedded peers log to the same terminal; keep the shell's output readable.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    List<String> args = new ArrayList<>();
    for (String a : sqllineArgs) {
      if (a.startsWith("jdbc:") && (args.isEmpty() || !args.get(args.size() - 1).equals("-u"))) {
        args.add("-u");
      }
      args.add(a);
    }
    if (args.stream().noneMatch(a -> a.startsWith("--isolation"))) {
      // Meridian's only level; without this sqlline asks for REPEATABLE_READ and warns.
      args.add("--isolation=TRANSACTION_READ_UNCOMMITTED");
    }
    if (System.console() == null && args.stream().noneMatch(a -> a.startsWith("--maxWidth"))) {
      // No terminal (a pipe, CI): sqlline would size tables to a width of 0.
      args.add("--maxWidth=200");
    }
    if (!args.contains("-n")) {
      // sqlline prompts for a user name when none is given; Meridian needs none.
      args.add("-n");
      args.add("");
      args.add("-p");
      args.add("");
    }
    SqlLine.Status status = new SqlLine().begin(args.toArray(String[]::new), null, true);
    return status == SqlLine.Status.OK ? 0 : 1;
  }
}
