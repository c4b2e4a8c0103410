package dev.meridian.cli.demo;

import java.util.List;

/**
 * The demo's closing tables: per region its players' writes and local write latency, the
 * conflicts resolved in it and its catch-up time; then the replication lag of every link.
 * Not thread-safe.
 */
final class Summary {
  private final Terminal out;
  private final List<String> regions;
  private final String restarted;
  private final Players players;
  private final LinkFigures links;

  Summary(Terminal out, List<String> regions, String restarted, Players players,
      LinkFigures links) {
    this.out = out;
    this.regions = regions;
    this.restarted = restarted;
    this.players = players;
    this.links = links;
  }

  /** Prints the tables; either result may be null when its phase did not finish. */
  void print(BostonDublin.Result conflict, Outage.Result outage) {
    out.heading(6, "Summary");
    TextTable table = new TextTable("region", "writes", "local p50", "local p99",
        "conflicts resolved", "serving again", "caught up");
    for (String r : regions) {
      Players.Figures f = players.sample(r);
      long conflicts = 0;
      for (String from : regions) {
        if (!from.equals(r)) {
          conflicts += links.link(from, r).conflicts();
        }
      }
      boolean down = r.equals(restarted) && outage != null;
      table.row(r, Terminal.count(f.writes()), LiveView.latency(f.total(), 50),
          LiveView.latency(f.total(), 99), Terminal.count(conflicts),
          down ? seconds(outage.servedSeconds()) : "-",
          down ? seconds(outage.caughtUpSeconds()) : "-");
    }
    table.lines("  ").forEach(out::line);
    out.line("  conflicts resolved: records a region received that lost, cell by cell, to a"
        + " newer stamp it held.");
    out.line("  serving again / caught up: seconds after " + restarted + " started again"
        + " (empty) until it served, and");
    out.line("  until it held every row the others held then.");
    out.blank();
    out.line("  replication lag p50 / p99 over the last minute (commit in the row's region,"
        + " applied in the column's):");
    String[] head = new String[regions.size() + 1];
    head[0] = "from \\ to";
    for (int i = 0; i < regions.size(); i++) {
      head[i + 1] = regions.get(i);
    }
    TextTable lag = new TextTable(head);
    for (String from : regions) {
      String[] row = new String[regions.size() + 1];
      row[0] = from.equals(restarted) ? from + " *" : from;
      for (int i = 0; i < regions.size(); i++) {
        String to = regions.get(i);
        LinkFigures.Link l = from.equals(to) ? null : links.link(from, to);
        row[i + 1] = l == null ? "-" : l.hasLag()
            ? Terminal.millis(l.lagP50Ms()) + " / " + Terminal.millis(l.lagP99Ms()) + " ms"
            : "no samples";
      }
      lag.row(row);
    }
    lag.lines("  ").forEach(out::line);
    out.line("  * since " + restarted + " restarted. These figures include the rows the"
        + " backfill brought back to it,");
    out.line("    which its links ship back to the others once, with their original commit"
        + " times.");
    if (conflict != null) {
      out.blank();
      out.line("  Boston/Dublin ended on: " + conflict.finalCity());
    }
    if (outage != null && outage.lostWrites() > 0) {
      out.line("  " + restarted + " writes lost with it (acknowledged, never replicated): "
          + Terminal.count(outage.lostWrites()));
    }
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "never" : Terminal.seconds(s);
  }
}
