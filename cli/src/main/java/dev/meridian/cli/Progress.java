package dev.meridian.cli;

import java.util.Locale;

/**
 * One-line progress reports for the launcher, printed as plain lines (one per update), so they
 * read the same on a terminal, in a log file and through a pipe.
 */
final class Progress {
  private static final int WIDTH = 30;

  private Progress() {}

  /** {@code [#########.....] 45% 1,234/2,710 what}. */
  static String bar(long done, long total, String what) {
    double f = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(f * WIDTH);
    return String.format(Locale.ROOT, "[%s%s] %3.0f%% %,d/%,d %s", "#".repeat(filled),
        ".".repeat(WIDTH - filled), f * 100, done, total, what);
  }
}
