package dev.meridian.router.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into plain nodes that remember their line and column, so that checks
 * made after reading (an unknown region, a value in two rules) can still say where. Jackson's
 * own tree forgets positions. Internal: the routing config's reader uses it. Immutable once read;
 * thread-safe.
 */
public final class YamlTree {
  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private YamlTree() {}

  /** A node and where it starts (1-based line and column). */
  public sealed interface Node permits Scalar, Mapping, Sequence {
    int line();

    int column();

    /** "line L, column C". */
    default String at() {
      return "line " + line() + ", column " + column();
    }

    /** What kind of node this is, for messages. */
    String kind();
  }

  /** A scalar as written (its text, whatever YAML type it would be), or null for {@code ~}. */
  public record Scalar(String text, int line, int column) implements Node {
    @Override
    public String kind() {
      return text == null ? "nothing" : "a text value";
    }
  }

  /** A key of a mapping and where it is. */
  public record Key(String name, int line, int column) {}

  /** A mapping, in document order. */
  public record Mapping(Map<Key, Node> entries, int line, int column) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** A list. */
  public record Sequence(List<Node> items, int line, int column) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /** Thrown for text that is not YAML; the message says where. */
  public static final class UnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads one document.
   *
   * @return the root node, or null for an empty document
   * @throws UnreadableException when the text is not YAML or repeats a key in one mapping
   */
  public static Node read(String yaml) throws UnreadableException {
    try (JsonParser p = FACTORY.createParser(yaml)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      return node(p);
    } catch (JsonProcessingException e) {
      throw new UnreadableException(at(e.getLocation()) + firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new UnreadableException("cannot read the text: " + e, e);
    }
  }

  private static Node node(JsonParser p) throws IOException, UnreadableException {
    JsonLocation where = p.currentTokenLocation();
    int line = where.getLineNr();
    int column = where.getColumnNr();
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<Key, Node> entries = new LinkedHashMap<>();
      List<String> seen = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        JsonLocation k = p.currentTokenLocation();
        String name = p.currentName();
        if (seen.contains(name)) {
          throw new UnreadableException(at(k) + "key '" + name + "' appears twice in one"
              + " mapping; keep one", null);
        }
        seen.add(name);
        p.nextToken();
        entries.put(new Key(name, k.getLineNr(), k.getColumnNr()), node(p));
      }
      return new Mapping(entries, line, column);
    }
    if (t == JsonToken.START_ARRAY) {
      List<Node> items = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        items.add(node(p));
      }
      return new Sequence(items, line, column);
    }
    if (t == JsonToken.VALUE_NULL) {
      return new Scalar(null, line, column);
    }
    return new Scalar(p.getText(), line, column);
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable YAML";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
