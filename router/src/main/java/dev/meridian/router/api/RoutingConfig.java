package dev.meridian.router.api;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The routing config: one YAML file, read by the driver ({@code routing=<path>}) and by every
 * peer ({@code routing:} in its configuration), naming the regions with their peers and the
 * data residency rules per table.
 *
 * <pre>
 * regions:                      # optional; when given, rules may name only these regions
 *   us-east-1: [10.0.0.1:7400]  # host:port of the region's peers' client port (may be empty)
 *   eu-west-1: [10.0.1.1:7400]
 *   eu-central-1: []
 * tables:
 *   customers:                  # table names are case-insensitive
 *     column: country           # rows pinned by this column's value ...
 *     rules:
 *       - values: [DE, FR]
 *         regions: [eu-west-1, eu-central-1]
 *       - values: [US]
 *         regions: [us-east-1]
 *     otherwise: any            # rows matching no rule (NULL too): 'any' (default) or a list
 *   sessions:
 *     keyPrefix:                # ... or by a prefix of the first key column's text
 *       - prefix: "eu:"
 *         regions: [eu-west-1]
 *     otherwise: [us-east-1]
 * </pre>
 *
 * <p>Validation collects every problem, each with its line and column, and fails with one
 * {@link MeridianException} of SQLState {@code 22023}: unknown keys, a table with both or
 * neither of {@code column} and {@code keyPrefix}, empty value or region lists, a value or
 * prefix in two rules, a table named twice, regions not listed under {@code regions:} (when it
 * is given), malformed region names or peer addresses.
 *
 * <p>Immutable and thread-safe; build it once and share it.
 */
public final class RoutingConfig {
  private static final RoutingConfig EMPTY =
      new RoutingConfig("(none)", Map.of(), ResidencyRules.none());

  private final String source;
  private final Map<String, List<String>> regionPeers;
  private final ResidencyRules residency;

  RoutingConfig(String source, Map<String, List<String>> regionPeers, ResidencyRules residency) {
    this.source = source;
    this.regionPeers = regionPeers;
    this.residency = residency;
  }

  /** A config without regions or rules. */
  public static RoutingConfig empty() {
    return EMPTY;
  }

  /**
   * Parses and validates YAML text.
   *
   * @param sourceName names the text in messages (a file name)
   * @throws MeridianException {@code 22023} listing every problem with its line and column
   */
  public static RoutingConfig parse(String yaml, String sourceName) {
    return RoutingConfigReader.read(yaml, sourceName);
  }

  /**
   * Reads and validates a file.
   *
   * @throws MeridianException {@code 58030} when the file cannot be read (missing, a directory,
   *     no permission), {@code 22023} when its content is invalid
   */
  public static RoutingConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new MeridianException(SqlState.IO_ERROR, "routing config " + file
          + " does not exist; check the path (relative paths start at "
          + Path.of("").toAbsolutePath() + ")", e);
    } catch (IOException | SecurityException e) {
      throw new MeridianException(SqlState.IO_ERROR, "cannot read routing config " + file
          + ": " + e, e);
    }
    return parse(text, file.toString());
  }

  /** Where the config came from (the file name given to {@link #load} or {@link #parse}). */
  public String source() {
    return source;
  }

  /**
   * The regions and their peers ({@code host:port}), in configured order; empty when the file
   * has no {@code regions:} section. Unmodifiable.
   */
  public Map<String, List<String>> regionPeers() {
    return regionPeers;
  }

  /** The data residency rules; {@link ResidencyRules#none()} when the file has none. */
  public ResidencyRules residency() {
    return residency;
  }

  @Override
  public String toString() {
    return "RoutingConfig{" + source + ", regions=" + regionPeers.keySet() + ", " + residency
        + "}";
  }
}
