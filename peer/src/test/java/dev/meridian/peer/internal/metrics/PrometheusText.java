package dev.meridian.peer.internal.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text format 0.0.4, for tests: the Prometheus Java client
 * 1.x has writers for it but no parser. Every line must be a comment ({@code # HELP},
 * {@code # TYPE}) or a sample {@code name{label="value",...} value [timestamp]}; label values
 * are unescaped ({@code \\}, {@code \"}, {@code \n}); a sample must follow the {@code # TYPE}
 * of its family; anything else throws, naming the line.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  record Sample(String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.isEmpty()) {
        if (n != lines.length - 1) {
          throw new IllegalArgumentException("line " + (n + 1) + ": empty line");
        }
        continue;
      }
      try {
        if (line.startsWith("# ")) {
          String[] parts = line.split(" ", 4);
          if (parts.length < 4 || !NAME.matcher(parts[2]).matches()) {
            throw new IllegalArgumentException("bad comment");
          }
          if (parts[1].equals("TYPE")) {
            if (!List.of("counter", "gauge", "histogram", "summary", "untyped")
                .contains(parts[3])) {
              throw new IllegalArgumentException("unknown type " + parts[3]);
            }
            types.put(parts[2], parts[3]);
          } else if (!parts[1].equals("HELP")) {
            throw new IllegalArgumentException("unknown comment " + parts[1]);
          }
          continue;
        }
        Sample s = sample(line);
        if (!types.containsKey(family(s.name(), types))) {
          throw new IllegalArgumentException("sample before the TYPE of its family");
        }
        samples.add(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (n + 1) + " '" + line + "': "
            + e.getMessage(), e);
      }
    }
    return samples;
  }

  private static String family(String name, Map<String, String> types) {
    for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
      if (name.endsWith(suffix) && types.containsKey(name.substring(0,
          name.length() - suffix.length()))) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name '" + name + "'");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (!LABEL.matcher(label).matches() || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("bad label at " + i);
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char e = line.charAt(++j);
            v.append(switch (e) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw new IllegalArgumentException("bad escape \\" + e);
            });
          } else {
            v.append(c);
          }
        }
        if (labels.put(label, v.toString()) != null) {
          throw new IllegalArgumentException("label " + label + " twice");
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected , or } at " + i);
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("no value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) {
      throw new IllegalArgumentException("trailing text");
    }
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    return new Sample(name, labels, value(rest[0]));
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }
}
