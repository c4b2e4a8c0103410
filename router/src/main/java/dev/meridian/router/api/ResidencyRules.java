package dev.meridian.router.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data residency rules of a routing config: per table, which rows may live in which
 * regions ({@link TableResidency}). A table without a rule may live anywhere.
 *
 * <p>Table names are case-insensitive and stored upper-case, as unquoted SQL names are.
 * Immutable and thread-safe; {@link #table} allocates nothing.
 */
public final class ResidencyRules {
  private static final ResidencyRules NONE = new ResidencyRules(Map.of());

  private final Map<String, TableResidency> byName;
  private final TreeMap<String, TableResidency> ignoringCase;

  ResidencyRules(Map<String, TableResidency> tables) {
    Map<String, TableResidency> copy = new LinkedHashMap<>(tables);
    this.byName = Collections.unmodifiableMap(copy);
    this.ignoringCase = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    ignoringCase.putAll(copy);
  }

  /** No rules: every row may live anywhere. */
  public static ResidencyRules none() {
    return NONE;
  }

  /** Whether there are no rules at all. */
  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /**
   * The table's rule, or null when its rows may live anywhere (table names case-insensitive,
   * stored upper-case).
   */
  public TableResidency table(String tableName) {
    if (byName.isEmpty() || tableName == null) {
      return null;
    }
    TableResidency exact = byName.get(tableName);
    return exact != null ? exact : ignoringCase.get(tableName);
  }

  /** Every table's rule by upper-case name, in configured order. */
  public Map<String, TableResidency> tables() {
    return byName;
  }

  @Override
  public String toString() {
    return "ResidencyRules" + byName.values();
  }
}
