package dev.meridian.cli;

import java.util.Locale;

/**
 * One-line progress reports for the launcher, printed as plain lines (one per update), so they
 * read the same on a terminal, in a log file and through a pipe.
 */
public final class Progress {
  private static final int WIDTH = 30;

  private Progress() {}

  /** {@code [#########.....] 45% 1,234/2,710 what}. */
  static String bar(long done, long total, String what) {
    double f = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    return String.format(Locale.ROOT, "%s %3.0f%% %,d/%,d %s", cells(done, total, WIDTH),
        f * 100, done, total, what);
  }

  /** A text bar of {@code width} cells, {@code done} of {@code total} filled (full if none). */
  public static String cells(long done, long total, int width) {
    int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }
}
