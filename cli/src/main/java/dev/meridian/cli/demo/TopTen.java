package dev.meridian.cli.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The leaderboard's live top ten in each region, side by side: each region answers
 * {@link #QUERY} from its own replica through its own index on score (created per region by
 * {@link #createIndexes}), without scanning the table. Not thread-safe: one printing thread.
 */
final class TopTen {
  static final String INDEX = "CREATE INDEX IF NOT EXISTS leaderboard_score ON leaderboard"
      + " (score DESC)";
  static final String QUERY = "SELECT player, score FROM leaderboard ORDER BY score DESC LIMIT 10";
  private static final int WIDTH = 30;

  private final Terminal out;
  private final List<String> regions;
  private final Map<String, String> urls;

  TopTen(Terminal out, List<String> regions, Map<String, String> urls) {
    this.out = out;
    this.regions = regions;
    this.urls = urls;
  }

  /** Creates the score index in every region (indexes belong to a region's replica). */
  void createIndexes() throws SQLException {
    for (String r : regions) {
      try (Connection c = DriverManager.getConnection(urls.get(r));
          Statement s = c.createStatement()) {
        s.execute(INDEX);
      }
    }
    out.line("  every region: " + INDEX);
  }

  /** Prints how a region plans the query (the index it walks). */
  void explain() throws SQLException {
    try (Connection c = DriverManager.getConnection(urls.get(regions.get(0)));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + QUERY)) {
      out.line("  " + QUERY);
      while (rs.next()) {
        out.line(out.dim("    " + rs.getString(1)));
      }
    }
  }

  /** Reads the top ten in every region now and prints them side by side. */
  void print() throws SQLException {
    List<List<String>> columns = new ArrayList<>();
    StringBuilder head = new StringBuilder("  ");
    for (String r : regions) {
      List<String> rows = new ArrayList<>();
      long t0 = System.nanoTime();
      try (Connection c = DriverManager.getConnection(urls.get(r));
          PreparedStatement ps = c.prepareStatement(QUERY);
          ResultSet rs = ps.executeQuery()) {
        int rank = 1;
        while (rs.next()) {
          rows.add(String.format(Locale.ROOT, "%2d %-18s %7d", rank++, rs.getString(1),
              rs.getLong(2)));
        }
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      head.append(pad(r + " (" + Terminal.millis(ms) + " ms)"));
      columns.add(rows);
    }
    out.line(out.dim(head.toString()));
    for (int i = 0; i < 10; i++) {
      StringBuilder line = new StringBuilder("  ");
      for (List<String> rows : columns) {
        line.append(pad(i < rows.size() ? rows.get(i) : ""));
      }
      out.line(line.toString());
    }
  }

  private static String pad(String s) {
    return s.length() >= WIDTH ? s + " " : s + " ".repeat(WIDTH - s.length() + 1);
  }
}
