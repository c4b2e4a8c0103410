package dev.meridian.peer.internal.disk;

import java.util.Arrays;
import java.util.Objects;

/**
 * One mutation of one logged map entry: a put of a value or a delete of the key.
 *
 * <p>Keys and values are {@code byte[]}, {@link String} or {@link Long} (what the logged maps
 * hold). Immutable as long as callers leave the arrays alone.
 *
 * @param map the Hazelcast map's name
 * @param key the entry's key
 * @param value the new value, or null for a delete
 */
public record LogRecord(String map, Object key, Object value) {

  /** Checks the types. */
  public LogRecord {
    Objects.requireNonNull(map, "map");
    Objects.requireNonNull(key, "key");
    checkType(key);
    if (value != null) {
      checkType(value);
    }
  }

  /** Whether this record deletes its key. */
  public boolean isDelete() {
    return value == null;
  }

  private static void checkType(Object o) {
    if (!(o instanceof byte[] || o instanceof String || o instanceof Long)) {
      throw new IllegalArgumentException("cannot log a " + o.getClass().getName());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogRecord r && map.equals(r.map) && same(key, r.key)
        && same(value, r.value);
  }

  @Override
  public int hashCode() {
    return map.hashCode() * 31 + (key instanceof byte[] b ? Arrays.hashCode(b) : key.hashCode());
  }

  @Override
  public String toString() {
    return "LogRecord[" + map + ", " + show(key) + (value == null ? ", delete]"
        : ", " + show(value) + "]");
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    return Objects.equals(a, b);
  }

  private static String show(Object o) {
    return o instanceof byte[] b ? b.length + " bytes" : String.valueOf(o);
  }
}
