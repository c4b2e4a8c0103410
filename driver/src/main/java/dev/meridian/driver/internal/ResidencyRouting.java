package dev.meridian.driver.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import dev.meridian.router.api.ResidencyRules;
import dev.meridian.router.api.RoutingConfig;
import dev.meridian.router.api.TableResidency;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Where the rows of a statement may go, from the residency rules of the routing config
 * (DESIGN.md, "Data residency"): per row, the set of allowed regions, null for any region, or
 * {@link #UNKNOWN} when the statement does not carry the deciding value (an {@code UPDATE} or
 * {@code DELETE} of a table pinned by a column: the row's current value decides, and only the
 * region holding it knows). Immutable and thread-safe.
 */
final class ResidencyRouting {
  /** The rows' regions cannot be known from the statement: search for the row. */
  static final Set<String> UNKNOWN = Collections.unmodifiableSet(new java.util.HashSet<>());

  /** Parsed configs by file, path and modification time: connections share them. */
  private static final Cache<String, RoutingConfig> CONFIGS =
      Caffeine.newBuilder().maximumSize(64).build();

  static final ResidencyRouting NONE = new ResidencyRouting(ResidencyRules.none());

  private final ResidencyRules rules;

  ResidencyRouting(ResidencyRules rules) {
    this.rules = rules;
  }

  /**
   * The rules of a routing config file, checked against the connection's regions.
   *
   * @throws MeridianException {@code 22023} for a malformed file or one naming a region the
   *     URL does not, {@code 58030} when it cannot be read
   */
  static ResidencyRouting load(String file, List<String> regions) {
    Path path = Path.of(file).toAbsolutePath().normalize();
    String key;
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      key = path + "@" + modified.toMillis() + "/" + Files.size(path);
    } catch (IOException e) {
      throw new MeridianException(SqlState.IO_ERROR, "cannot read the routing config " + path
          + " (option routing): " + e + "; give the path of a readable YAML file, or"
          + " routing=local", e);
    }
    RoutingConfig config = CONFIGS.get(key, k -> RoutingConfig.load(path));
    for (TableResidency t : config.residency().tables().values()) {
      Set<String> possible = t.possibleRegions();
      if (possible == null) {
        continue;
      }
      for (String region : possible) {
        if (!regions.contains(region)) {
          throw new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "the routing config "
              + path + " lets rows of " + t.table() + " live in region " + region + ", which"
              + " this connection's URL does not list (" + String.join(", ", regions)
              + "): add the region's peers to the URL");
        }
      }
    }
    return new ResidencyRouting(config.residency());
  }

  /** The table's rule, or null when its rows may live anywhere. */
  TableResidency rule(TableSchema table) {
    return rules.isEmpty() ? null : rules.table(table.name());
  }

  /** Every region a row of the table may live in; null for any. */
  static Set<String> possible(TableResidency rule) {
    return rule == null ? null : rule.possibleRegions();
  }

  /** Where a written row may go (see the class comment). */
  static Set<String> allowed(TableSchema table, TableResidency rule, WriteKind kind,
      RowWrite row) {
    if (rule == null) {
      return null;
    }
    if (rule.byKeyPrefix()) {
      return rule.allowed(row.key()[0]);
    }
    if (kind == WriteKind.UPDATE || kind == WriteKind.DELETE) {
      return UNKNOWN;
    }
    int column = column(table, rule);
    if (column < 0) {
      return rule.allowed(null);
    }
    int[] columns = row.columns();
    for (int i = 0; i < columns.length; i++) {
      if (columns[i] == column) {
        return rule.allowed(row.values()[i]);
      }
    }
    int keyIndex = table.keyColumns().indexOf(column);
    if (keyIndex >= 0) {
      return rule.allowed(row.key()[keyIndex]);
    }
    // An INSERT without the column stores NULL; an UPSERT without it keeps the stored value.
    return kind == WriteKind.INSERT ? rule.allowed(null) : UNKNOWN;
  }

  /** Where a row with this key may be: known for key-prefix rules, else {@link #UNKNOWN}. */
  static Set<String> allowedForKey(TableResidency rule, Object[] key) {
    if (rule == null) {
      return null;
    }
    return rule.byKeyPrefix() ? rule.allowed(key[0]) : UNKNOWN;
  }

  private static int column(TableSchema table, TableResidency rule) {
    for (int i = 0; i < table.columnCount(); i++) {
      if (!table.column(i).dropped() && table.column(i).name().equalsIgnoreCase(rule.column())) {
        return i;
      }
    }
    return -1;
  }
}
