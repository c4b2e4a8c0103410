package dev.meridian.peer.internal.disk;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * What a sequence of {@link LogRecord}s leaves: per map, the last value of each key, deleted
 * keys gone. Within one peer's log a later record of a key always supersedes an earlier one
 * (each is what the key's owner stored at the time). Not thread-safe.
 */
public final class LogState {
  private final Map<String, Map<Object, Object>> maps = new LinkedHashMap<>();
  private long size;

  /** Applies one record. */
  public void apply(LogRecord r) {
    Object key = r.key() instanceof byte[] b ? ByteBuffer.wrap(b) : r.key();
    if (r.isDelete()) {
      Map<Object, Object> m = maps.get(r.map());
      if (m != null && m.remove(key) != null) {
        size--;
      }
      return;
    }
    if (maps.computeIfAbsent(r.map(), k -> new HashMap<>()).put(key, r.value()) == null) {
      size++;
    }
  }

  /** How many keys hold a value. */
  public long size() {
    return size;
  }

  /** The names of the maps holding values, in the order first seen. */
  public Iterable<String> maps() {
    return maps.keySet();
  }

  /** Each key and value of {@code map} (keys as logged: {@code byte[]}, String or Long). */
  public void forEach(String map, BiConsumer<Object, Object> action) {
    Map<Object, Object> m = maps.get(map);
    if (m == null) {
      return;
    }
    m.forEach((k, v) -> action.accept(k instanceof ByteBuffer b ? b.array() : k, v));
  }

  /** Every key's value as a put record. */
  Stream<LogRecord> records() {
    return maps.entrySet().stream().flatMap(e -> e.getValue().entrySet().stream()
        .map(kv -> new LogRecord(e.getKey(),
            kv.getKey() instanceof ByteBuffer b ? b.array() : kv.getKey(), kv.getValue())));
  }
}
