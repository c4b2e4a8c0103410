package dev.meridian.router.api;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.router.internal.YamlTree;
import dev.meridian.router.internal.YamlTree.Mapping;
import dev.meridian.router.internal.YamlTree.Node;
import dev.meridian.router.internal.YamlTree.Scalar;
import dev.meridian.router.internal.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks a {@link RoutingConfig} from YAML, collecting every problem with its
 * position before failing. Stateless; one instance per read.
 */
final class RoutingConfigReader {
  private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final List<String> TOP_KEYS = List.of("regions", "tables");
  private static final List<String> TABLE_KEYS = List.of("column", "rules", "keyPrefix",
      "otherwise");
  private static final List<String> RULE_KEYS = List.of("values", "regions");
  private static final List<String> PREFIX_KEYS = List.of("prefix", "regions");

  private final String source;
  private final List<String> problems = new ArrayList<>();
  /** Regions named under {@code regions:}, or null when the section is absent. */
  private Set<String> known;

  private RoutingConfigReader(String source) {
    this.source = source;
  }

  static RoutingConfig read(String yaml, String source) {
    return new RoutingConfigReader(source == null ? "routing config" : source).read(yaml);
  }

  private RoutingConfig read(String yaml) {
    Node root;
    try {
      root = YamlTree.read(yaml == null ? "" : yaml);
    } catch (YamlTree.UnreadableException e) {
      throw fail(List.of(e.getMessage()), e);
    }
    if (root == null) {
      return new RoutingConfig(source, Map.of(), ResidencyRules.none());
    }
    if (!(root instanceof Mapping top)) {
      throw fail(List.of(root.at() + ": the routing config must be a mapping with 'regions:'"
          + " and 'tables:', not " + root.kind()), null);
    }
    checkKeys(top, TOP_KEYS, "at the top level");
    Map<String, List<String>> peers = regions(entry(top, "regions"));
    Map<String, TableResidency> tables = tables(entry(top, "tables"));
    if (!problems.isEmpty()) {
      throw fail(problems, null);
    }
    return new RoutingConfig(source, peers, new ResidencyRules(tables));
  }

  private MeridianException fail(List<String> found, Throwable cause) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, "routing config " + source
        + " is invalid: " + String.join("; ", found), cause);
  }

  private Map<String, List<String>> regions(Node node) {
    if (node == null || isNull(node)) {
      return Map.of();
    }
    if (!(node instanceof Mapping m)) {
      problems.add(node.at() + ": 'regions' must map each region to a list of its peers'"
          + " host:port, not " + node.kind());
      return Map.of();
    }
    known = new LinkedHashSet<>();
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.entries().forEach((key, value) -> {
      String region = key.name();
      if (!REGION.matcher(region).matches()) {
        problems.add("line " + key.line() + ", column " + key.column() + ": '" + region
            + "' is not a valid region name: use 1-64 letters, digits, '.', '_' or '-'");
        return;
      }
      known.add(region);
      List<String> addresses = new ArrayList<>();
      if (!isNull(value)) {
        for (Scalar s : scalars(value, "regions." + region)) {
          String problem = addressProblem(s.text());
          if (problem != null) {
            problems.add(s.at() + ": regions." + region + " has '" + s.text() + "', " + problem);
          } else {
            addresses.add(s.text().strip());
          }
        }
      }
      out.put(region, List.copyOf(addresses));
    });
    return Collections.unmodifiableMap(out);
  }

  private Map<String, TableResidency> tables(Node node) {
    if (node == null || isNull(node)) {
      return Map.of();
    }
    if (!(node instanceof Mapping m)) {
      problems.add(node.at() + ": 'tables' must map each table name to its rule, not "
          + node.kind());
      return Map.of();
    }
    Map<String, TableResidency> out = new LinkedHashMap<>();
    Map<String, String> firstSeen = new HashMap<>();
    m.entries().forEach((key, value) -> {
      String name = key.name().strip().toUpperCase(Locale.ROOT);
      String where = "line " + key.line() + ", column " + key.column();
      if (name.isEmpty()) {
        problems.add(where + ": a table name is empty");
        return;
      }
      String earlier = firstSeen.putIfAbsent(name, where);
      if (earlier != null) {
        problems.add(where + ": table " + name + " already has a rule at " + earlier
            + " (table names ignore case); merge the two");
        return;
      }
      TableResidency t = table(name, value);
      if (t != null) {
        out.put(name, t);
      }
    });
    return out;
  }

  private TableResidency table(String name, Node node) {
    if (!(node instanceof Mapping m)) {
      problems.add(node.at() + ": tables." + name + " must be a mapping with 'column' and"
          + " 'rules', or 'keyPrefix', not " + node.kind());
      return null;
    }
    checkKeys(m, TABLE_KEYS, "under tables." + name);
    Node column = entry(m, "column");
    Node rules = entry(m, "rules");
    Node prefix = entry(m, "keyPrefix");
    Set<String> otherwise = otherwise(name, entry(m, "otherwise"));
    if (prefix != null && (column != null || rules != null)) {
      problems.add(m.at() + ": tables." + name + " has both 'keyPrefix' and 'column'/'rules';"
          + " pin its rows either by a column's value or by a key prefix");
      return null;
    }
    if (prefix != null) {
      Map<String, Set<String>> byPrefix = groups(name, prefix, "keyPrefix", "prefix",
          PREFIX_KEYS);
      return byPrefix == null ? null : new TableResidency(name, null, byPrefix, otherwise);
    }
    if (column == null || rules == null) {
      problems.add(m.at() + ": tables." + name + " needs 'column' and 'rules' (rows pinned by"
          + " a column's value) or 'keyPrefix' (by a prefix of the key)");
      return null;
    }
    String columnName = null;
    if (column instanceof Scalar s && s.text() != null && !s.text().isBlank()) {
      columnName = s.text().strip().toUpperCase(Locale.ROOT);
    } else {
      problems.add(column.at() + ": tables." + name + ".column must name a column, not "
          + column.kind());
    }
    Map<String, Set<String>> byValue = groups(name, rules, "rules", "value", RULE_KEYS);
    return byValue == null || columnName == null ? null
        : new TableResidency(name, columnName, byValue, otherwise);
  }

  /**
   * Reads a list of {@code {<valueKey>: ..., regions: [...]}} rules into value to regions,
   * reporting a value given twice. Null when the list is unusable.
   */
  private Map<String, Set<String>> groups(String table, Node node, String section,
      String valueKey, List<String> keys) {
    String path = "tables." + table + "." + section;
    if (!(node instanceof Sequence list) || list.items().isEmpty()) {
      problems.add(node.at() + ": " + path + " must be a non-empty list of {" + valueKey
          + ": ..., regions: [...]}, not " + (node instanceof Sequence ? "an empty list"
              : node.kind()));
      return null;
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    Map<String, String> firstAt = new HashMap<>();
    // Every value of a rule shares the rule's one set of regions.
    for (int i = 0; i < list.items().size(); i++) {
      Node item = list.items().get(i);
      String itemPath = path + "[" + i + "]";
      if (!(item instanceof Mapping rule)) {
        problems.add(item.at() + ": " + itemPath + " must be a mapping {" + valueKey
            + ": ..., regions: [...]}, not " + item.kind());
        continue;
      }
      checkKeys(rule, keys, "under " + itemPath);
      Node values = entry(rule, keys.get(0));
      Node regions = entry(rule, "regions");
      if (values == null || regions == null) {
        problems.add(rule.at() + ": " + itemPath + " needs both '" + keys.get(0)
            + "' and 'regions'");
        continue;
      }
      Set<String> allowed = regionList(regions, itemPath + ".regions");
      for (Scalar v : scalars(values, itemPath + "." + keys.get(0))) {
        if (v.text() == null || v.text().isEmpty()) {
          problems.add(v.at() + ": " + itemPath + " has an empty " + valueKey
              + (valueKey.equals("prefix") ? "; a prefix needs at least one character"
                  : "; NULL rows follow 'otherwise'"));
          continue;
        }
        String earlier = firstAt.putIfAbsent(v.text(), v.at());
        if (earlier != null) {
          problems.add(v.at() + ": " + valueKey + " '" + v.text() + "' of " + path
              + " is already in a rule at " + earlier + "; a row must have one set of regions,"
              + " so name each " + valueKey + " once");
          continue;
        }
        if (allowed != null) {
          out.put(v.text(), allowed);
        }
      }
    }
    return out;
  }

  private Set<String> otherwise(String table, Node node) {
    if (node == null) {
      return null;
    }
    if (node instanceof Scalar s && "any".equals(s.text())) {
      return null;
    }
    if (node instanceof Scalar) {
      problems.add(node.at() + ": tables." + table + ".otherwise must be 'any' or a list of"
          + " regions, not '" + ((Scalar) node).text() + "'");
      return null;
    }
    Set<String> regions = regionList(node, "tables." + table + ".otherwise");
    return regions == null ? null : regions;
  }

  /** A non-empty list of known regions, or null after reporting why not. */
  private Set<String> regionList(Node node, String path) {
    if (node instanceof Sequence seq && seq.items().isEmpty()) {
      problems.add(node.at() + ": " + path + " is empty; a row must be allowed somewhere, so"
          + " name at least one region");
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    boolean ok = true;
    for (Scalar s : scalars(node, path)) {
      String r = s.text() == null ? "" : s.text().strip();
      if (!REGION.matcher(r).matches()) {
        problems.add(s.at() + ": " + path + " has '" + r + "', not a valid region name");
        ok = false;
      } else if (known != null && !known.contains(r)) {
        problems.add(s.at() + ": " + path + " names region " + r + ", which is not under"
            + " 'regions:' " + known + "; add it there or fix the name");
        ok = false;
      } else if (!out.add(r)) {
        problems.add(s.at() + ": " + path + " names region " + r + " twice");
      }
    }
    return ok && !out.isEmpty() ? out : null;
  }

  /** The scalars of a list (or a single scalar); reports anything else. */
  private List<Scalar> scalars(Node node, String path) {
    List<Scalar> out = new ArrayList<>();
    if (node instanceof Scalar s) {
      if (s.text() != null) {
        out.add(s);
      } else {
        problems.add(s.at() + ": " + path + " is empty; give a list");
      }
      return out;
    }
    if (!(node instanceof Sequence seq)) {
      problems.add(node.at() + ": " + path + " must be a list, not " + node.kind());
      return out;
    }
    for (Node item : seq.items()) {
      if (item instanceof Scalar s && s.text() != null) {
        out.add(s);
      } else {
        problems.add(item.at() + ": " + path + " must hold plain values, not " + item.kind());
      }
    }
    return out;
  }

  private void checkKeys(Mapping m, List<String> allowed, String where) {
    m.entries().keySet().forEach(k -> {
      if (!allowed.contains(k.name())) {
        problems.add("line " + k.line() + ", column " + k.column() + ": unknown key '"
            + k.name() + "' " + where + "; the keys allowed there are " + allowed);
      }
    });
  }

  private static Node entry(Mapping m, String key) {
    for (Map.Entry<YamlTree.Key, Node> e : m.entries().entrySet()) {
      if (e.getKey().name().equals(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static boolean isNull(Node node) {
    return node instanceof Scalar s && s.text() == null;
  }

  private static String addressProblem(String address) {
    String a = address == null ? "" : address.strip();
    int colon = a.lastIndexOf(':');
    if (colon <= 0 || colon == a.length() - 1) {
      return "not host:port";
    }
    try {
      int port = Integer.parseInt(a.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return "whose port is not 1-65535";
      }
    } catch (NumberFormatException e) {
      return "whose port is not a number";
    }
    return null;
  }
}
