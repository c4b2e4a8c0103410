package dev.meridian.driver.internal;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An in-memory stand-in for a region's peers: answers driver requests from maps, as the
 * protocol describes. Shared by the {@link FakeChannel}s of one test. Thread-safe (synchronized).
 */
final class FakePeer {
  private final Map<String, TableSchema> tables = new LinkedHashMap<>();
  private final Map<Long, Map<KeyBox, Object[]>> rows = new LinkedHashMap<>();
  private final List<Request> received = Collections.synchronizedList(new ArrayList<>());
  private long nextId = 100;
  private long hlc = 1;
  private final Map<String, Map<String, Long>> appliedThrough = new LinkedHashMap<>();
  /** The regions asked AwaitApplied, in order. */
  final List<String> awaited = java.util.Collections.synchronizedList(new ArrayList<>());
  /** The AwaitRows requests asked, in order. */
  final List<Request.AwaitRows> awaitedRows =
      java.util.Collections.synchronizedList(new ArrayList<>());
  /** Regions that answer AwaitRows as holding every listed row. */
  final java.util.Set<String> showsRows = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** First key values of rows whose listed writes no region shows (they died with home). */
  final java.util.Set<Object> lostRows = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Optional hook: an outcome for a row instead of applying it, or null to apply it. */
  volatile Function<RowWrite, RowOutcome> rowHook;
  /** Optional hook: an answer to a request in a region instead of serving it, or null. */
  volatile java.util.function.BiFunction<Request, String, Response> requestHook;
  /** The rows each system table answers with, by name (upper case); others are 42P01. */
  private final Map<String, List<Object[]>> systemRows = new LinkedHashMap<>();

  List<Request> received() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  long count(Class<? extends Request> type) {
    return received().stream().filter(type::isInstance).count();
  }

  void clearReceived() {
    received.clear();
  }

  synchronized TableSchema create(TableSchema schema) {
    TableSchema stored = schema.withTableId(nextId++);
    tables.put(stored.name(), stored);
    rows.put(stored.tableId(), new LinkedHashMap<>());
    return stored;
  }

  synchronized void drop(String name) {
    TableSchema t = tables.remove(name);
    if (t != null) {
      rows.remove(t.tableId());
    }
  }

  synchronized TableSchema table(String name) {
    return tables.get(name);
  }

  synchronized Object[] row(String table, Object... key) {
    Object[] r = rows.get(tables.get(table).tableId()).get(new KeyBox(key));
    return r == null ? null : r.clone();
  }

  /** Makes {@code ReadSystemTable(name)} answer with these rows (copied). */
  synchronized void systemRows(String name, List<Object[]> rows) {
    List<Object[]> copy = new ArrayList<>();
    for (Object[] r : rows) {
      copy.add(r.clone());
    }
    systemRows.put(name, copy);
  }

  /** What {@code region} answers to AwaitApplied: origin to applied-through millis. */
  synchronized void appliedThrough(String region, Map<String, Long> through) {
    appliedThrough.put(region, Map.copyOf(through));
  }

  synchronized int size(String table) {
    return rows.get(tables.get(table).tableId()).size();
  }

  synchronized Response handle(Request request, String region, String peer) {
    received.add(request);
    java.util.function.BiFunction<Request, String, Response> hook = requestHook;
    Response hooked = hook == null ? null : hook.apply(request, region);
    if (hooked != null) {
      return hooked;
    }
    if (request instanceof Request.Ping) {
      return new Response.Pong(region, peer, hlc);
    }
    if (request instanceof Request.GetPartitions) {
      // Like a peer that predates partition routing: the driver then keeps one channel.
      return new Response.Error(SqlState.PROTOCOL_VIOLATION, "unknown request GetPartitions");
    }
    if (request instanceof Request.GetCatalog) {
      return new Response.Catalog(new ArrayList<>(tables.values()));
    }
    if (request instanceof Request.GetIndexes) {
      return new Response.Indexes(List.of());
    }
    if (request instanceof Request.CreateTable c) {
      TableSchema existing = tables.get(c.schema().name());
      if (existing != null) {
        return c.ifNotExists() ? new Response.TableCreated(false, existing)
            : new Response.Error(SqlState.DUPLICATE_TABLE, "table " + existing.name()
                + " already exists");
      }
      return new Response.TableCreated(true, create(c.schema()));
    }
    if (request instanceof Request.DropTable d) {
      if (!tables.containsKey(d.name())) {
        return d.ifExists() ? new Response.TableDropped(false)
            : new Response.Error(SqlState.UNDEFINED_TABLE, "table " + d.name()
                + " does not exist");
      }
      drop(d.name());
      return new Response.TableDropped(true);
    }
    if (request instanceof Request.Get g) {
      Map<KeyBox, Object[]> data = rows.get(g.tableId());
      if (data == null) {
        return new Response.Error(SqlState.UNDEFINED_TABLE, "no table with id " + g.tableId());
      }
      List<Object[]> out = new ArrayList<>();
      for (Object[] key : g.keys()) {
        Object[] r = data.get(new KeyBox(key));
        out.add(r == null ? null : r.clone());
      }
      return new Response.Rows(out);
    }
    if (request instanceof Request.Write w) {
      Map<KeyBox, Object[]> data = rows.get(w.tableId());
      if (data == null) {
        return new Response.Error(SqlState.UNDEFINED_TABLE, "no table with id " + w.tableId());
      }
      TableSchema t = null;
      for (TableSchema s : tables.values()) {
        if (s.tableId() == w.tableId()) {
          t = s;
        }
      }
      List<RowOutcome> outcomes = new ArrayList<>();
      for (RowWrite row : w.rows()) {
        outcomes.add(apply(t, data, w.kind(), row, Stamp.regionId(region)));
      }
      return new Response.Written(outcomes);
    }
    if (request instanceof Request.AwaitApplied a) {
      awaited.add(region);
      Map<String, Long> through = appliedThrough.getOrDefault(region, Map.of());
      boolean satisfied = true;
      for (Map.Entry<String, Long> e : a.required().entrySet()) {
        Long t = through.get(e.getKey());
        if (!e.getKey().equals(region) && (t == null || new Stamp(e.getValue(), 0).millis() >= t)) {
          satisfied = false;
        }
      }
      return new Response.Applied(satisfied, through);
    }
    if (request instanceof Request.AwaitRows a) {
      awaited.add(region);
      awaitedRows.add(a);
      Map<String, Long> through = appliedThrough.getOrDefault(region, Map.of());
      boolean satisfied = true;
      for (Map.Entry<String, Long> e : a.required().entrySet()) {
        long t = through.getOrDefault(e.getKey(), 0L);
        boolean figures = new Stamp(e.getValue(), 0).millis() < t;
        long floor = a.floors().getOrDefault(e.getKey(), e.getValue());
        boolean rows = showsRows.contains(region) && (floor == 0 || new Stamp(floor, 0).millis() < t)
            && a.rows().stream().noneMatch(w -> lostRows.contains(w.key()[0]));
        if (!e.getKey().equals(region) && !figures && !rows) {
          satisfied = false;
        }
      }
      return new Response.Applied(satisfied, through);
    }
    if (request instanceof Request.ReadSystemTable t) {
      List<Object[]> canned = systemRows.get(t.name());
      if (canned == null) {
        return new Response.Error(SqlState.UNDEFINED_TABLE, "no system table MERIDIAN."
            + t.name());
      }
      List<Object[]> out = new ArrayList<>();
      for (Object[] r : canned) {
        out.add(r.clone());
      }
      return new Response.Rows(out);
    }
    return new Response.Error(SqlState.FEATURE_NOT_SUPPORTED, "unknown request " + request);
  }

  private RowOutcome apply(TableSchema t, Map<KeyBox, Object[]> data, WriteKind kind,
      RowWrite row, int origin) {
    Function<RowWrite, RowOutcome> hook = rowHook;
    if (hook != null) {
      RowOutcome o = hook.apply(row);
      if (o != null) {
        return o;
      }
    }
    KeyBox key = new KeyBox(row.key());
    Object[] existing = data.get(key);
    switch (kind) {
      case INSERT:
        if (existing != null) {
          return RowOutcome.duplicate();
        }
        break;
      case UPDATE:
        if (existing == null) {
          return RowOutcome.notFound();
        }
        break;
      case DELETE:
        if (existing == null) {
          return RowOutcome.notFound();
        }
        data.remove(key);
        return RowOutcome.applied(new Stamp(hlc++, origin));
      default:
        break;
    }
    Object[] r = existing != null ? existing : new Object[t.columnCount()];
    if (existing == null) {
      for (int k = 0; k < t.keyColumns().size(); k++) {
        r[t.keyColumns().get(k)] = row.key()[k];
      }
    }
    for (int c = 0; c < row.columns().length; c++) {
      r[row.columns()[c]] = row.values()[c];
    }
    data.put(key, r);
    return RowOutcome.applied(new Stamp(hlc++, origin));
  }
}
