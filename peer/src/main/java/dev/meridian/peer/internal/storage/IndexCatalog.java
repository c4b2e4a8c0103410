package dev.meridian.peer.internal.storage;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MultiExecutionCallback;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.IndexDefs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The region's secondary index definitions: the {@link IMap} {@value #MAP_NAME} from index
 * name to encoded {@link IndexDef}, cached on each peer by a map listener that also registers
 * each index with the member's {@link RowIndexes}. Indexes are per region: each region's
 * catalog and entries are its own.
 *
 * <p>Creating an index stores its definition (not ready), builds it online over the existing
 * rows with {@link IndexBuild} while writes go on, marks it built on every member, then stores
 * it ready. Blocking methods must run on a blocking executor. Thread-safe.
 */
final class IndexCatalog {
  /** The name of the index catalog map. */
  static final String MAP_NAME = "meridian.indexes";

  private final HazelcastInstance hazelcast;
  private final IMap<String, byte[]> map;
  private final RowIndexes rows;
  private final Map<String, IndexDef> cache = new ConcurrentHashMap<>();
  private volatile UUID listener;

  IndexCatalog(HazelcastInstance hazelcast, RowIndexes rows) {
    this.hazelcast = hazelcast;
    this.map = hazelcast.getMap(MAP_NAME);
    this.rows = rows;
  }

  /** Subscribes to changes and loads every definition (blocking). */
  void start() {
    listener = map.addEntryListener(new Listener(), true);
    for (byte[] bytes : map.values()) {
      remember(decode(bytes));
    }
  }

  void close() {
    UUID id = listener;
    if (id != null) {
      map.removeEntryListener(id);
    }
  }

  /**
   * A ready index by name, or null: from the cache, else from the map (the listener that fills
   * the cache runs a little after a change made through another peer of the region).
   */
  CompletionStage<IndexDef> ready(String name) {
    IndexDef d = cache.get(name);
    if (d != null && d.ready()) {
      return CompletableFuture.completedFuture(d);
    }
    return map.getAsync(name).thenApply(bytes -> {
      IndexDef stored = bytes == null ? null : decode(bytes);
      if (stored == null || !stored.ready()) {
        return null;
      }
      remember(stored);
      return stored;
    });
  }

  /** Every index of the tables that exist, sorted by name (blocking). */
  List<IndexDef> list(List<TableSchema> tables) {
    List<IndexDef> out = new ArrayList<>();
    for (byte[] bytes : map.values()) {
      IndexDef d = decode(bytes);
      if (tables.stream().anyMatch(t -> t.tableId() == d.tableId())) {
        out.add(d);
      }
    }
    out.sort(Comparator.comparing(IndexDef::name));
    return out;
  }

  /**
   * Creates and builds an index (blocking: returns once it is ready).
   *
   * @param table the table's current definition
   * @return the stored definition, and whether this call created it
   * @throws MeridianException {@code 42P07} when the name is taken and {@code ifNotExists} is
   *     false
   */
  Map.Entry<Boolean, IndexDef> create(IndexDef requested, TableSchema table,
      boolean ifNotExists, java.util.function.LongPredicate tableExists) {
    if (requested.primaryKey()) {
      throw new MeridianException(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION, "index names"
          + " beginning with " + IndexDef.PRIMARY_KEY_PREFIX + " are the primary keys'");
    }
    for (IndexDef.Key k : requested.keys()) {
      if (k.column() >= table.columnCount()) {
        throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "index " + requested.name()
            + " names column " + k.column() + " of a table with " + table.columnCount());
      }
    }
    IndexDef def = new IndexDef(requested.name(), table.name(), table.tableId(),
        requested.keys(), false);
    byte[] existing = map.putIfAbsent(def.name(), encode(def));
    if (existing != null) {
      IndexDef old = decode(existing);
      boolean stale = old.tableId() != table.tableId() && !tableExists.test(old.tableId());
      if (!stale) {
        if (ifNotExists) {
          return Map.entry(false, old);
        }
        throw new MeridianException(SqlState.DUPLICATE_TABLE, "index " + def.name()
            + " already exists");
      }
      // The old definition belongs to a dropped incarnation of the table: replace it.
      if (!map.replace(def.name(), existing, encode(def))) {
        throw new MeridianException(SqlState.DUPLICATE_TABLE, "index " + def.name()
            + " was created concurrently");
      }
    }
    rows.ensure(def);
    hazelcast.<byte[], byte[]>getMap(TableStore.mapName(table.tableId()))
        .executeOnEntries(new IndexBuild(def, -1));
    IExecutorService executor = hazelcast.getExecutorService("meridian.index");
    for (Future<?> f : executor.submitToAllMembers(IndexCall.built(def.name())).values()) {
      await(f);
    }
    IndexDef ready = def.withReady(true);
    map.set(def.name(), encode(ready));
    remember(ready);
    return Map.entry(true, ready);
  }

  /** Drops an index; returns whether one was dropped (blocking). */
  boolean drop(String name, boolean ifExists) {
    byte[] old = map.remove(name);
    if (old == null) {
      if (ifExists) {
        return false;
      }
      throw new MeridianException(SqlState.UNDEFINED_OBJECT, "index " + name
          + " does not exist");
    }
    cache.remove(name);
    rows.forget(name);
    return true;
  }

  /**
   * Drops the indexes of table incarnations that no longer exist (dropped here or by another
   * region), so their entries do not outlive their rows (blocking). A primary-key index is
   * forgotten on this member only; another member lets its go when it serves the same call.
   */
  void forgetTablesNotIn(List<TableSchema> tables) {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    tables.forEach(t -> ids.add(t.tableId()));
    rows.forgetKeysNotIn(ids);
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      IndexDef d = decode(e.getValue());
      if (tables.stream().noneMatch(t -> t.tableId() == d.tableId())
          && map.remove(e.getKey(), e.getValue())) {
        cache.remove(d.name());
        rows.forget(d.name());
      }
    }
  }

  /**
   * Each member's answer to a call, in no order; completes on a Hazelcast thread once every
   * member answered, without blocking a thread meanwhile.
   */
  CompletableFuture<List<List<byte[]>>> onEveryMember(IndexCall call) {
    CompletableFuture<List<List<byte[]>>> out = new CompletableFuture<>();
    hazelcast.getExecutorService("meridian.index").submitToAllMembers(call,
        new MultiExecutionCallback() {
          @Override
          public void onResponse(Member member, Object value) {}

          @Override
          @SuppressWarnings("unchecked")
          public void onComplete(Map<Member, Object> values) {
            List<List<byte[]>> answers = new ArrayList<>(values.size());
            for (Object v : values.values()) {
              if (v instanceof Throwable t) {
                out.completeExceptionally(t);
                return;
              }
              answers.add((List<byte[]>) v);
            }
            out.complete(answers);
          }
        });
    return out;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeridianException(SqlState.QUERY_CANCELED, "interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof MeridianException m) {
        throw m;
      }
      throw new MeridianException(SqlState.INTERNAL_ERROR, "an index call failed on a member: "
          + c, c);
    }
  }

  private void remember(IndexDef def) {
    cache.put(def.name(), def);
    rows.ensure(def);
  }

  static byte[] encode(IndexDef def) {
    ByteBuf buf = Unpooled.buffer(64);
    try {
      IndexDefs.write(buf, def);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  static IndexDef decode(byte[] bytes) {
    return IndexDefs.read(Unpooled.wrappedBuffer(bytes));
  }

  private final class Listener implements EntryAddedListener<String, byte[]>,
      EntryUpdatedListener<String, byte[]>, EntryRemovedListener<String, byte[]> {
    @Override
    public void entryAdded(EntryEvent<String, byte[]> event) {
      remember(decode(event.getValue()));
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> event) {
      remember(decode(event.getValue()));
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> event) {
      String name = event.getKey();
      cache.remove(name);
      rows.forget(name);
    }
  }
}
