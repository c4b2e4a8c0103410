package dev.meridian.protocol.error;

/**
 * A 1-based line and column in an SQL text, printed as {@code line 1, column 15}.
 *
 * @param line 1-based line
 * @param column 1-based column
 */
public record SqlPosition(int line, int column) {
  @Override
  public String toString() {
    return "line " + line + ", column " + column;
  }
}
