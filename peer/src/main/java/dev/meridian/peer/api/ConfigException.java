package dev.meridian.peer.api;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.util.List;

/**
 * A peer configuration that cannot be used, with every problem found and what to change. The
 * launcher prints {@link #getMessage()} and exits with status 2.
 *
 * <p>Immutable. Its state is {@code 22023} (invalid parameter value).
 */
public final class ConfigException extends MeridianException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param source where the configuration came from (a file name, or "configuration")
   * @param problems one line per problem, each saying what to change; at least one
   */
  public ConfigException(String source, List<String> problems) {
    super(SqlState.INVALID_PARAMETER_VALUE, format(source, problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem. */
  public List<String> problems() {
    return problems;
  }

  private static String format(String source, List<String> problems) {
    StringBuilder b = new StringBuilder(source).append(": ")
        .append(problems.size() == 1 ? "1 problem" : problems.size() + " problems")
        .append(" in the peer configuration:");
    for (String p : problems) {
      b.append(System.lineSeparator()).append("  - ").append(p);
    }
    return b.toString();
  }
}
