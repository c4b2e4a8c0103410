package dev.meridian.peer.internal.replication;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.storage.ConflictEntry;
import dev.meridian.peer.internal.storage.ConflictLog;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * {@code MERIDIAN.CONFLICTS} for one peer: each peer's {@link ConflictLog} holds what the merges
 * on the partitions it owns threw away; this class publishes it to the region map
 * {@value #MAP_NAME} (keyed by member) when it changed, and builds the table's rows from every
 * peer's entries, so any peer of the region shows the whole region's log, including what a
 * peer that has since left saw (until its entries age out). Thread-safe.
 */
final class ConflictLogTable {
  /** The region map of published conflict-log entries, per member. */
  static final String MAP_NAME = "meridian.conflict-log";

  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_TEXT = 4096;

  private final String region;
  private final HazelcastInstance hazelcast;
  private final ConflictLog log;
  private final long maxAgeMillis;
  private final Map<Integer, String> regionsById = new HashMap<>();
  private final Supplier<List<TableSchema>> tables;
  private long publishedVersion = -1;

  ConflictLogTable(String region, List<String> regions, HazelcastInstance hazelcast,
      ConflictLog log, long maxAgeMillis, Supplier<List<TableSchema>> tables) {
    this.region = region;
    this.hazelcast = hazelcast;
    this.log = log;
    this.maxAgeMillis = maxAgeMillis;
    this.tables = tables;
    for (String r : regions) {
      regionsById.put(Stamp.regionId(r), r);
    }
  }

  /** Publishes this peer's entries if they changed since the last call; drops aged ones. */
  synchronized void publish(long nowMillis) {
    if (log == null) {
      return;
    }
    List<ConflictEntry> mine = log.entries(nowMillis);
    long version = log.recorded() + log.evicted();
    IMap<String, byte[]> map = hazelcast.getMap(MAP_NAME);
    if (version != publishedVersion) {
      map.set(hazelcast.getCluster().getLocalMember().getUuid().toString(),
          ConflictEntry.encode(mine));
      publishedVersion = version;
    }
    Set<String> members = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      members.add(m.getUuid().toString());
    }
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      if (!members.contains(e.getKey()) && fresh(e.getValue(), nowMillis).isEmpty()) {
        map.remove(e.getKey(), e.getValue()); // a departed peer's log, all aged out
      }
    }
  }

  /** The rows of {@code MERIDIAN.CONFLICTS}: every peer's entries, newest first. */
  List<Object[]> rows(long nowMillis) {
    List<ConflictEntry> all = new ArrayList<>();
    String me = hazelcast.getCluster().getLocalMember().getUuid().toString();
    for (Map.Entry<String, byte[]> e : hazelcast.<String, byte[]>getMap(MAP_NAME).entrySet()) {
      if (!e.getKey().equals(me)) {
        all.addAll(fresh(e.getValue(), nowMillis));
      }
    }
    if (log != null) {
      all.addAll(log.entries(nowMillis));
    }
    all.sort(Comparator.comparingLong(ConflictEntry::observedAtMillis).reversed());
    Map<Long, TableSchema> byId = new HashMap<>();
    for (TableSchema t : tables.get()) {
      byId.put(t.tableId(), t);
    }
    // A retried apply after an owner change logs a loss twice; keep the newest sighting.
    Set<LossId> seen = new HashSet<>();
    List<Object[]> rows = new ArrayList<>();
    for (ConflictEntry e : all) {
      TableSchema table = byId.get(e.tableId());
      if (table != null && table.keyColumns().contains(e.column())) {
        continue; // a deleted row's key cells: the key is in ROW_KEY already
      }
      if (seen.add(new LossId(e.tableId(), ByteBuffer.wrap(e.key()), e.column(), e.losing()))) {
        rows.add(row(e, table));
      }
    }
    return rows;
  }

  private record LossId(long tableId, ByteBuffer key, int column, Stamp losing) {}

  private List<ConflictEntry> fresh(byte[] bytes, long nowMillis) {
    List<ConflictEntry> out = new ArrayList<>();
    for (ConflictEntry e : ConflictEntry.decode(bytes)) {
      if (nowMillis - e.observedAtMillis() <= maxAgeMillis) {
        out.add(e);
      }
    }
    return out;
  }

  private Object[] row(ConflictEntry e, TableSchema table) {
    String tableName = table == null ? "#" + Long.toHexString(e.tableId()) : table.name();
    String column = table != null && e.column() < table.columnCount()
        ? table.column(e.column()).name() : "#" + e.column();
    Object value = new Cell(e.column(), e.losing(), e.losingValue()).value();
    return new Object[] {region, tableName, key(e.key()), column, e.losing().hlc(),
        regionName(e.losing()), value == null ? null : text(value), time(e.losing().millis()),
        e.winning().hlc(), regionName(e.winning()), time(e.winning().millis()),
        e.byTombstone() ? "delete" : "value", time(e.observedAtMillis())};
  }

  private String regionName(Stamp s) {
    String name = regionsById.get(s.origin());
    return name != null ? name : "#" + Integer.toHexString(s.origin());
  }

  /** The key's values, comma-separated, as the table's canonical key bytes hold them. */
  private static String key(byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    try {
      StringJoiner out = new StringJoiner(", ");
      while (in.isReadable()) {
        out.add(text(Values.read(in)));
      }
      return clip(out.toString());
    } catch (RuntimeException e) {
      return "0x" + clip(HEX.formatHex(bytes));
    } finally {
      in.release();
    }
  }

  private static String text(Object value) {
    return clip(value instanceof byte[] b ? "0x" + HEX.formatHex(b) : String.valueOf(value));
  }

  private static String clip(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
  }

  private static LocalDateTime time(long millis) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
