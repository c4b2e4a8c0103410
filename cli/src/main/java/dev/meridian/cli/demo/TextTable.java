package dev.meridian.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain-text table: a header row and rows of cells, columns as wide as their widest cell,
 * the first column left-aligned and the others right-aligned (they hold figures). Cells may
 * carry ANSI colour; widths count only what is visible. Not thread-safe.
 */
final class TextTable {
  private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  TextTable(String... header) {
    this.columns = header.length;
    rows.add(header);
  }

  TextTable row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
    }
    rows.add(cells);
    return this;
  }

  /** The table's lines, each starting with {@code indent}; a rule under the header. */
  List<String> lines(String indent) {
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], visible(r[c]));
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      StringBuilder line = new StringBuilder(indent);
      String[] r = rows.get(i);
      for (int c = 0; c < columns; c++) {
        String pad = " ".repeat(width[c] - visible(r[c]));
        line.append(c == 0 ? r[c] + pad : pad + r[c]);
        if (c < columns - 1) {
          line.append("  ");
        }
      }
      out.add(line.toString().stripTrailing());
      if (i == 0) {
        int total = 0;
        for (int w : width) {
          total += w;
        }
        out.add(indent + "-".repeat(total + 2 * (columns - 1)));
      }
    }
    return out;
  }

  private static int visible(String s) {
    return ANSI.matcher(s).replaceAll("").length();
  }
}
