package dev.meridian.cli.demo;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The demo's once-a-second lines: per region, the writes of the last second and their local
 * latency (p50/p99 of {@code executeUpdate} as the player saw it) beside the replication lag of
 * the region's links to each other region (commit here to apply there, p50/p99 over the last
 * minute, from the links' own figures). Not thread-safe: one printing thread.
 */
final class LiveView {
  private final Terminal terminal;
  private final List<String> regions;
  private final Players players;
  private final LinkFigures links;
  private final long[] lastWrites;
  private final long startNanos = System.nanoTime();
  private long lastTick = startNanos;

  LiveView(Terminal terminal, List<String> regions, Players players, LinkFigures links) {
    this.terminal = terminal;
    this.regions = regions;
    this.players = players;
    this.links = links;
    this.lastWrites = new long[regions.size()];
  }

  /** Prints the column heads; the next line's rates count from now. */
  void header() {
    lastTick = System.nanoTime();
    for (int i = 0; i < regions.size(); i++) {
      lastWrites[i] = players.sample(regions.get(i)).writes();
    }
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "  %6s  %-15s %8s %10s %10s  |",
        "t", "region", "writes/s", "local p50", "local p99"));
    for (String to : regions) {
      h.append(String.format(Locale.ROOT, " %16s", "lag->" + to));
    }
    terminal.line(terminal.dim(h.toString()));
  }

  /**
   * Prints one line per region, now; regions in {@code down} show as down. Also drains the
   * players' latency of the last interval.
   */
  void tick(Set<String> down) {
    long now = System.nanoTime();
    double t = (now - startNanos) / 1e9;
    double interval = Math.max(1e-3, (now - lastTick) / 1e9);
    lastTick = now;
    for (int i = 0; i < regions.size(); i++) {
      String from = regions.get(i);
      Players.Figures f = players.sample(from);
      long writes = Math.round((f.writes() - lastWrites[i]) / interval);
      lastWrites[i] = f.writes();
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %5.1fs  %-15s ",
          t, from));
      if (down.contains(from)) {
        line.append(terminal.red(String.format(Locale.ROOT, "%8s %10s %10s  |", "down", "-",
            "-")));
        line.append(String.format(Locale.ROOT, " %16s".repeat(regions.size()),
            regions.stream().map(r -> "-").toArray()));
        terminal.line(line.toString());
        continue;
      }
      Histogram h = f.interval();
      line.append(String.format(Locale.ROOT, "%8d %10s %10s  |", writes, latency(h, 50),
          latency(h, 99)));
      for (String to : regions) {
        String cell;
        if (to.equals(from)) {
          cell = "-";
        } else if (down.contains(to)) {
          cell = terminal.red("(" + to.substring(0, 2) + " down)");
        } else {
          LinkFigures.Link l = links.link(from, to);
          cell = l.hasLag() ? Terminal.millis(l.lagP50Ms()) + " / " + Terminal.millis(l.lagP99Ms())
              + " ms" : "...";
        }
        line.append(' ').append(pad(cell, 16));
      }
      if (f.throttled() > 0) {
        line.append(terminal.yellow("  throttled " + f.throttled()));
      }
      if (f.errors() > 0) {
        line.append(terminal.red("  errors " + f.errors()));
      }
      terminal.line(line.toString());
    }
  }

  private static String pad(String cell, int width) {
    int visible = cell.replaceAll("\u001b\\[[0-9;]*m", "").length();
    return " ".repeat(Math.max(0, width - visible)) + cell;
  }

  /** A percentile of a histogram of microseconds, as milliseconds text. */
  static String latency(Histogram micros, double percentile) {
    if (micros.getTotalCount() == 0) {
      return "-";
    }
    return Terminal.millis(micros.getValueAtPercentile(percentile) / 1000.0) + " ms";
  }
}
