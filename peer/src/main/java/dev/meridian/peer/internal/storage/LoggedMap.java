package dev.meridian.peer.internal.storage;

import com.hazelcast.map.MapStore;
import com.hazelcast.map.MapStoreFactory;
import dev.meridian.peer.internal.disk.DurableLog;
import dev.meridian.peer.internal.disk.LogRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The write-through store of one logged map: Hazelcast calls it on the partition owner for
 * every entry it sets or removes there, before the backups and the caller hear of it, and the
 * change goes to the peer's {@link DurableLog} (under {@code sync}, on disk before this
 * returns). When it throws ({@code 53100}: the disk is full), Hazelcast does not change the
 * entry and fails the operation.
 *
 * <p>Loading is not its job: a peer replays its log at start ({@link DiskRecovery}), so every
 * load answers nothing. Backups are not logged: the owner's log holds what was acknowledged,
 * and a restarted region replays every peer's log. Thread-safe.
 */
final class LoggedMap implements MapStore<Object, Object> {

  private final DurableLog log;
  private final String map;

  LoggedMap(DurableLog log, String map) {
    this.log = log;
    this.map = map;
  }

  /** Creates the store of each logged map on one member. */
  static MapStoreFactory<Object, Object> factory(DurableLog log) {
    return (String mapName, Properties properties) -> new LoggedMap(log, mapName);
  }

  @Override
  public void store(Object key, Object value) {
    log.append(new LogRecord(map, key, value));
  }

  @Override
  public void storeAll(Map<Object, Object> entries) {
    List<LogRecord> records = new ArrayList<>(entries.size());
    entries.forEach((k, v) -> records.add(new LogRecord(map, k, v)));
    log.append(records);
  }

  @Override
  public void delete(Object key) {
    log.append(new LogRecord(map, key, null));
  }

  @Override
  public void deleteAll(Collection<Object> keys) {
    List<LogRecord> records = new ArrayList<>(keys.size());
    keys.forEach(k -> records.add(new LogRecord(map, k, null)));
    log.append(records);
  }

  @Override
  public Object load(Object key) {
    return null;
  }

  @Override
  public Map<Object, Object> loadAll(Collection<Object> keys) {
    return Map.of();
  }

  @Override
  public Iterable<Object> loadAllKeys() {
    return null;
  }
}
