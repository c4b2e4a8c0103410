package dev.meridian.cli.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where the demo writes: standard output, with ANSI colour and a redrawn progress line only
 * when a person is watching. Piped or redirected output (no console), {@code --no-color},
 * {@code NO_COLOR} or {@code TERM=dumb} get plain lines: no escape codes, no carriage returns,
 * and a progress bar printed as a new line at most once a second. Not thread-safe: the demo
 * prints from one thread.
 */
final class Terminal {
  private static final String RESET = "\u001b[0m";
  private static final long PLAIN_PROGRESS_EVERY_NANOS = 1_000_000_000L;

  private final PrintStream out;
  private final boolean color;
  private final boolean interactive;
  private boolean progressShown;
  private long lastPlainProgress;
  private String lastPlainBar = "";

  Terminal(PrintStream out, boolean color, boolean interactive) {
    this.out = out;
    this.color = color;
    this.interactive = interactive;
  }

  /** A terminal for {@code System.out} that decides on colour and redrawing as described. */
  static Terminal detect(boolean noColor) {
    boolean console = System.console() != null;
    String term = System.getenv("TERM");
    boolean dumb = term == null || term.equals("dumb");
    boolean color = console && !noColor && !dumb && System.getenv("NO_COLOR") == null;
    return new Terminal(System.out, color, console && !dumb);
  }

  boolean color() {
    return color;
  }

  /** Prints a line (ending any progress line first). */
  void line(String text) {
    endProgress();
    out.println(text);
    out.flush();
  }

  void blank() {
    line("");
  }

  /** A phase heading: a numbered title, bold when colour is on. */
  void heading(int number, String title) {
    blank();
    line(bold("== " + number + ". " + title + " " + "=".repeat(Math.max(3, 72 - title.length()))));
  }

  /**
   * Shows progress: redrawn in place on a console; on a pipe a new line when the bar changed and
   * a second has passed since the last one, or when {@code last}.
   */
  void progress(String bar, boolean last) {
    if (interactive) {
      out.print("\r" + bar + "\u001b[K");
      progressShown = true;
      if (last) {
        endProgress();
      }
      out.flush();
      return;
    }
    long now = System.nanoTime();
    if (last || (!bar.equals(lastPlainBar) && now - lastPlainProgress >= PLAIN_PROGRESS_EVERY_NANOS)) {
      out.println(bar);
      out.flush();
      lastPlainProgress = now;
      lastPlainBar = bar;
    }
  }

  private void endProgress() {
    if (progressShown) {
      out.println();
      progressShown = false;
    }
  }

  String bold(String s) {
    return paint("1", s);
  }

  String dim(String s) {
    return paint("2", s);
  }

  String green(String s) {
    return paint("32", s);
  }

  String red(String s) {
    return paint("31", s);
  }

  String yellow(String s) {
    return paint("33", s);
  }

  String cyan(String s) {
    return paint("36", s);
  }

  private String paint(String code, String s) {
    return color ? "\u001b[" + code + "m" + s + RESET : s;
  }

  /** Milliseconds with a precision that suits their size: 0.42, 4.2, 42, 420. */
  static String millis(double ms) {
    if (ms < 1) {
      return String.format(Locale.ROOT, "%.2f", ms);
    }
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.1f", ms);
    }
    return String.format(Locale.ROOT, "%.0f", ms);
  }

  /** Seconds with one decimal. */
  static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }

  /** A count with thousands separators. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
