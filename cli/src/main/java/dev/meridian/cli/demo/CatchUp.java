package dev.meridian.cli.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a region that came back empty has caught up: of the rows the other regions held
 * when it came back (key and score), how many it holds, and how many at that score or later
 * (scores only grow). Reads through JDBC with point reads of the known keys, {@value #CHUNK}
 * keys per statement. Not thread-safe.
 */
final class CatchUp {
  private static final int CHUNK = 500;

  /** Rows present and rows at least as new as the reference, of {@code total}. */
  record Progress(int present, int upToDate, int total) {
    boolean done() {
      return upToDate == total;
    }
  }

  private final Map<String, Long> reference;

  /** @param reference every key the region must hold, with the least score it must show */
  CatchUp(Map<String, Long> reference) {
    this.reference = Map.copyOf(reference);
  }

  int total() {
    return reference.size();
  }

  /** Whether a region holds every reference row at its score or newer. */
  Progress check(Connection region) throws SQLException {
    Map<String, Long> held = scores(region, reference.keySet());
    int upToDate = 0;
    for (Map.Entry<String, Long> e : held.entrySet()) {
      if (e.getValue() >= reference.get(e.getKey())) {
        upToDate++;
      }
    }
    return new Progress(held.size(), upToDate, total());
  }

  /**
   * The score a region holds for each of {@code keys} it has (a NULL score reads as 0). A region
   * that does not serve yet ({@code 57P03}) or whose catalog has not arrived ({@code 42xxx})
   * holds none.
   */
  static Map<String, Long> scores(Connection region, Collection<String> keys)
      throws SQLException {
    List<String> sorted = new ArrayList<>(keys);
    Collections.sort(sorted);
    Map<String, Long> out = new HashMap<>();
    for (int from = 0; from < sorted.size(); from += CHUNK) {
      List<String> chunk = sorted.subList(from, Math.min(sorted.size(), from + CHUNK));
      String sql = "SELECT player, score FROM leaderboard WHERE player IN ("
          + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
      try (PreparedStatement ps = region.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
      } catch (SQLException e) {
        String state = String.valueOf(e.getSQLState());
        if (state.startsWith("42") || state.equals("57P03")) {
          return Map.of();
        }
        throw e;
      }
    }
    return out;
  }
}
