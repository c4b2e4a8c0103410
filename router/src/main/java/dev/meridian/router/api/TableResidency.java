package dev.meridian.router.api;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the rows of one table may live: the regions allowed for each value of a deciding
 * column ({@code column:} with {@code rules:}), or for each prefix of the first key column's
 * text ({@code keyPrefix:}), and for rows matching no rule ({@code otherwise:}, any region by
 * default).
 *
 * <p>Deciding values are compared as text: a String as it is (case-sensitive, no trimming), a
 * {@link BigDecimal} without trailing zeros (a DECIMAL 1.50 matches the YAML value {@code 1.5}),
 * anything else by
 * its {@code toString()} ({@code 42} matches the YAML value {@code 42}). A key prefix rule
 * matches the longest configured prefix the key's text starts with.
 *
 * <p>Immutable and thread-safe. Lookups allocate nothing for String values; every returned set
 * is shared, unmodifiable and iterates in configured order.
 */
public final class TableResidency {
  private final String table;
  private final String column;
  private final Map<String, Set<String>> byValue;
  private final String[] prefixes;
  private final Set<String>[] prefixRegions;
  private final Set<String> otherwise;
  private final Set<String> possible;

  /**
   * A table's rule.
   *
   * @param table the table name, upper-case
   * @param column the deciding column, upper-case, or null for a key-prefix rule
   * @param byValueOrPrefix deciding value (or prefix) to its allowed regions
   * @param otherwise regions for rows no rule matches, or null for any region
   */
  @SuppressWarnings("unchecked")
  TableResidency(String table, String column, Map<String, Set<String>> byValueOrPrefix,
      Set<String> otherwise) {
    this.table = table;
    this.column = column;
    this.otherwise = otherwise == null ? null : Collections.unmodifiableSet(
        new LinkedHashSet<>(otherwise));
    Map<String, Set<String>> copy = new java.util.LinkedHashMap<>();
    Map<Set<String>, Set<String>> shared = new java.util.IdentityHashMap<>();
    byValueOrPrefix.forEach((k, v) -> copy.put(k, shared.computeIfAbsent(v,
        x -> Collections.unmodifiableSet(new LinkedHashSet<>(x)))));
    if (column != null) {
      this.byValue = Collections.unmodifiableMap(copy);
      this.prefixes = new String[0];
      this.prefixRegions = new Set[0];
    } else {
      this.byValue = Map.of();
      String[] sorted = copy.keySet().toArray(new String[0]);
      // Longest first, so the most specific prefix wins.
      Arrays.sort(sorted, Comparator.comparingInt(String::length).reversed());
      this.prefixes = sorted;
      this.prefixRegions = new Set[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        prefixRegions[i] = copy.get(sorted[i]);
      }
    }
    if (this.otherwise == null) {
      this.possible = null;
    } else {
      Set<String> all = new LinkedHashSet<>();
      copy.values().forEach(all::addAll);
      all.addAll(this.otherwise);
      this.possible = Collections.unmodifiableSet(all);
    }
  }

  /** The table's name, upper-case. */
  public String table() {
    return table;
  }

  /** The deciding column's name (upper-case), or null for a key-prefix rule. */
  public String column() {
    return column;
  }

  /** Whether rows are pinned by a prefix of the first key column's text. */
  public boolean byKeyPrefix() {
    return column == null;
  }

  /**
   * The regions allowed for a deciding value (the column's value, or the first key column's
   * value for prefix rules); null means any region. NULL matches no rule.
   */
  public Set<String> allowed(Object decidingValue) {
    if (decidingValue == null) {
      return otherwise;
    }
    String text = decidingValue instanceof String s ? s : text(decidingValue);
    if (column != null) {
      Set<String> regions = byValue.get(text);
      return regions != null ? regions : otherwise;
    }
    for (int i = 0; i < prefixes.length; i++) {
      if (text.startsWith(prefixes[i])) {
        return prefixRegions[i];
      }
    }
    return otherwise;
  }

  /** Whether a row with this deciding value may live in {@code region}. */
  public boolean mayLiveIn(Object decidingValue, String region) {
    Set<String> allowed = allowed(decidingValue);
    return allowed == null || allowed.contains(region);
  }

  /**
   * Every region some row of the table may live in (the union of all rule sets and
   * {@code otherwise}); null when rows matching no rule may live anywhere.
   */
  public Set<String> possibleRegions() {
    return possible;
  }

  /** The regions of rows no rule matches, or null for any region. */
  public Set<String> otherwise() {
    return otherwise;
  }

  /** The configured values (or prefixes) and their regions, in configured order. */
  public Map<String, Set<String>> rules() {
    if (column != null) {
      return byValue;
    }
    Map<String, Set<String>> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < prefixes.length; i++) {
      out.put(prefixes[i], prefixRegions[i]);
    }
    return Collections.unmodifiableMap(out);
  }

  /** What decides, for messages: "column COUNTRY" or "the key prefix of ID". */
  public String describeDecider(List<String> keyColumns) {
    return column != null ? "column " + column
        : "the key prefix of " + (keyColumns.isEmpty() ? "the first key column" : keyColumns.get(0));
  }

  private static String text(Object value) {
    if (value instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    return value.toString();
  }

  @Override
  public String toString() {
    return "TableResidency{" + table + ", " + (column != null ? "column " + column
        : "key prefix") + ", rules=" + rules() + ", otherwise="
        + (otherwise == null ? "any" : otherwise) + "}";
  }
}
