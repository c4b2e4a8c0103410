package dev.meridian.peer.internal.storage;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.meridian.peer.internal.disk.DurableLog;
import dev.meridian.peer.internal.disk.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts into this peer's log every change it hears of to one of the region's definition maps
 * (tables, dropped tables, index definitions, users), whichever member owns the entry. The
 * owner has logged the change before it was acknowledged ({@link LoggedMap}); this copy follows
 * a moment later, so that each peer's log holds the region's whole catalog. A region whose peers
 * restart from disk then knows every table and user as soon as any one peer has replayed,
 * instead of answering "table does not exist" (or refusing a user's login) until the peer that
 * owned the entry comes back. Replaying several copies is safe: definitions merge by version
 * and users by stamp ({@link DiskRecovery}).
 *
 * <p>Runs on Hazelcast's event threads, in each entry's order. A failed append (a full disk) is
 * logged and skipped: the owner's copy is the one an acknowledgement stands on. Thread-safe.
 */
final class DefinitionLogger implements EntryAddedListener<Object, Object>,
    EntryUpdatedListener<Object, Object>, EntryRemovedListener<Object, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(DefinitionLogger.class);

  private final DurableLog log;
  private final String map;

  DefinitionLogger(DurableLog log, String map) {
    this.log = log;
    this.map = map;
  }

  @Override
  public void entryAdded(EntryEvent<Object, Object> event) {
    append(event.getKey(), event.getValue());
  }

  @Override
  public void entryUpdated(EntryEvent<Object, Object> event) {
    append(event.getKey(), event.getValue());
  }

  @Override
  public void entryRemoved(EntryEvent<Object, Object> event) {
    append(event.getKey(), null);
  }

  private void append(Object key, Object value) {
    try {
      log.append(new LogRecord(map, key, value));
    } catch (RuntimeException e) {
      LOG.warn("could not keep this peer's copy of a change to {} ({}); the owner's log has it",
          map, e.getMessage());
    }
  }
}
