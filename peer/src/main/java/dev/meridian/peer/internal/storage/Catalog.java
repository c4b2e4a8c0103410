package dev.meridian.peer.internal.storage;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.SchemaEvolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Schemas;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * The region's table definitions: the {@link IMap} {@value #MAP_NAME} from table name to
 * encoded {@link TableSchema} (a version byte, then {@link Schemas#write}).
 *
 * <p>Each table incarnation gets a fresh random non-zero 64-bit id. Why random rather than a
 * Hazelcast id generator: ids must also be unique across regions, whose clusters share
 * nothing, and the CP subsystem is off.
 *
 * <p>Lookups by id are served from a local cache kept current by a map listener, reloaded on
 * a miss. Listener events are asynchronous, so a table dropped through another peer of the
 * region may still be served here for the few milliseconds until the event arrives. An id seen
 * dropped is never cached again (ids are never reused). Blocking Hazelcast calls run on the
 * given executor, never on the caller's thread. Thread-safe.
 */
final class Catalog {

  /** The name of the catalog map. */
  static final String MAP_NAME = "meridian.catalog";
  /** The name of the map of dropped table incarnations (id to drop time), kept for replication. */
  static final String DROPPED_MAP_NAME = "meridian.catalog-dropped";

  private static final byte ENTRY_VERSION = 2;

  /** The result of a create: whether this call created the table, and the stored definition. */
  record Created(boolean created, TableSchema schema) {}

  /** Tables and dropped incarnations, as exchanged between regions. */
  record State(List<TableSchema> tables, List<Long> dropped) {}

  private final IMap<String, byte[]> map;
  private final IMap<Long, Long> droppedMap;
  private final List<Runnable> changeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final TableStore store;
  private final Executor blocking;
  private final ConcurrentMap<Long, TableSchema> byId = new ConcurrentHashMap<>();
  private final Set<Long> dropped = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();
  private volatile UUID listener;
  /** The member's conflict log, told each table's conflict_log option; null in some tests. */
  private final ConflictLog conflicts;

  Catalog(HazelcastInstance hazelcast, TableStore store, Executor blocking) {
    this.conflicts = (ConflictLog) hazelcast.getUserContext().get(ConflictLog.CONTEXT_KEY);
    this.map = hazelcast.getMap(MAP_NAME);
    this.droppedMap = hazelcast.getMap(DROPPED_MAP_NAME);
    this.store = store;
    this.blocking = blocking;
  }

  /** Subscribes to changes, then loads every definition (blocking). */
  void start() {
    listener = map.addEntryListener(new Listener(), true);
    reload();
  }

  /** Unsubscribes; the catalog must not be used afterwards. */
  void close() {
    UUID id = listener;
    if (id != null) {
      map.removeEntryListener(id);
    }
  }

  /** The definition of a table incarnation, or null when no such table exists (any more). */
  CompletionStage<TableSchema> byId(long tableId) {
    TableSchema cached = byId.get(tableId);
    if (cached != null || dropped.contains(tableId)) {
      return CompletableFuture.completedFuture(cached);
    }
    return CompletableFuture.supplyAsync(() -> {
      reload();
      return byId.get(tableId);
    }, blocking);
  }

  /** Every definition, sorted by name. */
  CompletionStage<List<TableSchema>> list() {
    return CompletableFuture.supplyAsync(this::reload, blocking);
  }

  /**
   * Creates a table with a fresh id; the id in {@code schema} is ignored.
   *
   * @throws MeridianException {@code 42P07} (in the stage) when the name is taken and
   *     {@code ifNotExists} is false
   */
  CompletionStage<Created> create(TableSchema schema, boolean ifNotExists) {
    return CompletableFuture.supplyAsync(() -> {
      TableSchema stored = schema.withTableId(freshId());
      byte[] existing = map.putIfAbsent(stored.name(), encode(stored));
      if (existing == null) {
        remember(stored);
        changed();
        return new Created(true, stored);
      }
      if (ifNotExists) {
        return new Created(false, decode(existing));
      }
      throw new MeridianException(SqlState.DUPLICATE_TABLE,
          "table " + schema.name() + " already exists");
    }, blocking);
  }

  /**
   * Drops a table and destroys its rows.
   *
   * @return whether a table was dropped
   * @throws MeridianException {@code 42P01} (in the stage) when there is no such table and
   *     {@code ifExists} is false
   */
  CompletionStage<Boolean> drop(String name, boolean ifExists) {
    return CompletableFuture.supplyAsync(() -> {
      byte[] old = map.remove(name);
      if (old == null) {
        if (ifExists) {
          return false;
        }
        throw new MeridianException(SqlState.UNDEFINED_TABLE, "table " + name + " does not exist");
      }
      TableSchema schema = decode(old);
      droppedMap.set(schema.tableId(), System.currentTimeMillis());
      forget(schema.tableId());
      store.destroy(schema.tableId());
      changed();
      return true;
    }, blocking);
  }

  /**
   * Stores the next version of table {@code name}'s definition, under {@code next.name()}
   * (blocking, on the executor). Compare-and-set: it applies only to the version it follows.
   *
   * @throws MeridianException (in the stage) {@code 42P01} when there is no such table,
   *     {@code 40001} when its definition changed meanwhile (plan again on the new one),
   *     {@code 42P07} when a rename's new name is taken, {@code 42P17} when {@code next} may not
   *     follow the stored definition
   */
  CompletionStage<TableSchema> alter(String name, TableSchema next) {
    return CompletableFuture.supplyAsync(() -> {
      byte[] existing = map.get(name);
      if (existing == null) {
        throw new MeridianException(SqlState.UNDEFINED_TABLE, "table " + name + " does not exist");
      }
      TableSchema current = decode(existing);
      if (current.tableId() != next.tableId() || current.version() >= next.version()) {
        // Altered (or dropped and created again) since the statement was planned.
        throw new MeridianException(SqlState.SERIALIZATION_FAILURE, "table " + name
            + " changed while this ALTER TABLE was planned (now version " + current.version()
            + "): plan it again");
      }
      String problem = SchemaEvolution.problem(current, next);
      if (problem != null) {
        throw new MeridianException(SqlState.INVALID_TABLE_DEFINITION, "ALTER TABLE " + name
            + " refused: " + problem);
      }
      byte[] bytes = encode(next);
      if (next.name().equals(name)) {
        if (!map.replace(name, existing, bytes)) {
          throw new MeridianException(SqlState.SERIALIZATION_FAILURE, "table " + name
              + " changed while this ALTER TABLE ran: run it again");
        }
      } else {
        if (map.putIfAbsent(next.name(), bytes) != null) {
          throw new MeridianException(SqlState.DUPLICATE_TABLE, "cannot rename " + name + " to "
              + next.name() + ": table " + next.name() + " already exists");
        }
        if (!map.remove(name, existing)) {
          map.remove(next.name(), bytes);
          throw new MeridianException(SqlState.SERIALIZATION_FAILURE, "table " + name
              + " changed while this ALTER TABLE ran: run it again");
        }
      }
      remember(next);
      changed();
      return next;
    }, blocking);
  }

  /** Runs a hook after each create or drop made through this peer (to push it to other regions). */
  void onChange(Runnable hook) {
    changeHooks.add(hook);
  }

  private void changed() {
    changeHooks.forEach(Runnable::run);
  }

  /** Whether a table incarnation was dropped in this region (or adopted as dropped). */
  boolean isDropped(long tableId) {
    return dropped.contains(tableId) || droppedMap.containsKey(tableId);
  }

  /** The tables and the dropped incarnations (blocking). */
  State state() {
    return new State(reload(), new ArrayList<>(droppedMap.keySet()));
  }

  /**
   * Adopts another region's catalog (blocking): drops the incarnations it dropped, creates the
   * tables this region lacks, and where both have a table of one name with different ids (two
   * regions created it concurrently) keeps the larger id, as the other region does too, so
   * both converge on one incarnation. The losing incarnation is dropped with its rows.
   *
   * <p>Of two definitions of one incarnation, {@link CatalogMerge} picks one (the later version,
   * which may carry another name: a rename), so that two regions that altered one table at the
   * same time still converge on one definition.
   */
  void adopt(List<TableSchema> tables, List<Long> droppedIds) {
    boolean any = false;
    for (long id : droppedIds) {
      if (droppedMap.containsKey(id)) {
        continue;
      }
      droppedMap.set(id, System.currentTimeMillis());
      for (Map.Entry<String, byte[]> e : map.entrySet()) {
        if (decode(e.getValue()).tableId() == id && map.remove(e.getKey(), e.getValue())) {
          forget(id);
          store.destroy(id);
          any = true;
        }
      }
      forget(id);
    }
    for (TableSchema t : tables) {
      if (isDropped(t.tableId())) {
        continue;
      }
      TableSchema sameId = byId.get(t.tableId());
      if (sameId == null) {
        sameId = findById(t.tableId());
      }
      if (sameId != null) {
        any |= adoptVersion(sameId, t);
        continue;
      }
      byte[] existing = map.putIfAbsent(t.name(), encode(t));
      if (existing == null) {
        remember(t);
        any = true;
        continue;
      }
      TableSchema ours = decode(existing);
      if (ours.tableId() != t.tableId() && t.tableId() > ours.tableId()
          && map.replace(t.name(), existing, encode(t))) {
        droppedMap.set(ours.tableId(), System.currentTimeMillis());
        forget(ours.tableId());
        store.destroy(ours.tableId());
        remember(t);
        any = true;
      }
    }
    if (any) {
      reload();
    }
  }

  private TableSchema findById(long tableId) {
    for (byte[] bytes : map.values()) {
      TableSchema s = decode(bytes);
      if (s.tableId() == tableId) {
        return s;
      }
    }
    return null;
  }

  /** Replaces our definition of one incarnation by another region's when theirs wins. */
  private boolean adoptVersion(TableSchema ours, TableSchema theirs) {
    if (!CatalogMerge.theirsWins(ours, theirs)) {
      return false;
    }
    byte[] theirBytes = encode(theirs);
    byte[] stored = map.get(ours.name());
    if (stored == null || decode(stored).tableId() != ours.tableId()) {
      return false; // changed meanwhile; the next exchange settles it
    }
    if (theirs.name().equals(ours.name())) {
      if (!map.replace(ours.name(), stored, theirBytes)) {
        return false;
      }
    } else {
      byte[] other = map.putIfAbsent(theirs.name(), theirBytes);
      if (other != null) {
        // The new name is held by another incarnation here: larger id keeps the name, as in
        // create; a lost incarnation is dropped with its rows.
        TableSchema holder = decode(other);
        if (holder.tableId() > theirs.tableId() || !map.replace(theirs.name(), other, theirBytes)) {
          return false;
        }
        droppedMap.set(holder.tableId(), System.currentTimeMillis());
        forget(holder.tableId());
        store.destroy(holder.tableId());
      }
      map.remove(ours.name(), stored);
    }
    remember(theirs);
    return true;
  }

  private List<TableSchema> reload() {
    List<TableSchema> all = new ArrayList<>();
    for (byte[] bytes : map.values()) {
      TableSchema s = decode(bytes);
      remember(s);
      all.add(s);
    }
    all.sort(Comparator.comparing(TableSchema::name));
    return all;
  }

  private void remember(TableSchema schema) {
    // Put, then re-check: together with forget's add-then-remove this never leaves a dropped
    // id cached, whatever the interleaving.
    byId.put(schema.tableId(), schema);
    if (conflicts != null) {
      conflicts.logTable(schema.tableId(), schema.conflictLog());
    }
    if (dropped.contains(schema.tableId())) {
      byId.remove(schema.tableId());
    }
  }

  private void forget(long tableId) {
    dropped.add(tableId);
    byId.remove(tableId);
  }

  private long freshId() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }

  static byte[] encode(TableSchema schema) {
    ByteBuf buf = Unpooled.buffer(64);
    try {
      buf.writeByte(ENTRY_VERSION);
      Schemas.write(buf, schema);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  static TableSchema decode(byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      byte version = Values.readByte(buf);
      if (version != ENTRY_VERSION) {
        throw Values.corrupt("unknown catalog entry version " + version);
      }
      TableSchema schema = Schemas.read(buf);
      if (buf.isReadable()) {
        throw Values.corrupt("bytes after the table definition");
      }
      return schema;
    } catch (MeridianException e) {
      throw new MeridianException(SqlState.INTERNAL_ERROR,
          "catalog entry is corrupt: " + e.getMessage(), e);
    } finally {
      buf.release();
    }
  }

  private final class Listener implements EntryAddedListener<String, byte[]>,
      EntryUpdatedListener<String, byte[]>, EntryRemovedListener<String, byte[]>,
      EntryEvictedListener<String, byte[]> {

    @Override
    public void entryAdded(EntryEvent<String, byte[]> event) {
      remember(decode(event.getValue()));
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> event) {
      TableSchema now = decode(event.getValue());
      long before = decode(event.getOldValue()).tableId();
      if (before != now.tableId()) {
        forget(before);
      }
      remember(now);
    }


    @Override
    public void entryRemoved(EntryEvent<String, byte[]> event) {
      removed(decode(event.getOldValue()).tableId());
    }

    @Override
    public void entryEvicted(EntryEvent<String, byte[]> event) {
      removed(decode(event.getOldValue()).tableId());
    }

    /**
     * A name was removed: the table was dropped, or renamed (its new name was stored before the
     * old one was removed, so a lookup by id tells the two apart).
     */
    private void removed(long tableId) {
      try {
        CompletableFuture.runAsync(() -> {
          if (findById(tableId) == null) {
            forget(tableId);
          }
        }, blocking);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The peer is closing: nothing reads this catalog any more.
      }
    }
  }
}
