package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection's session token: per origin region, the highest stamp ({@code hlc} value) of
 * the writes this session made there, and the session's latest row writes themselves (at most
 * {@code sessionRecentWrites} of them).
 *
 * <p>A read in another region needs that region to have applied the session's writes first.
 * The region's replication figures say so for everything its links have vouched for; for the
 * last moments before an origin region died they never will. The listed writes fill that gap:
 * a region that shows each listed write of an origin (or a newer state of its row), and whose
 * figures cover the origin's writes below the <em>floor</em> (the highest stamp no longer
 * listed), holds every write of the session there. Per origin, a write is dropped from the
 * list when a later write of the same row by the same session covers it, or when the list is
 * full (the oldest goes, raising its origin's floor).
 *
 * <p>Text form, for {@code unwrap(MeridianConnection.class).sessionToken()}: the origins as
 * {@code <region>:<hlc>[:<floor>]} sorted by region and joined by commas (no floor: nothing is
 * listed for that origin, the figures alone vouch), then, when writes are listed, {@code ;}
 * and the writes joined by commas, each
 * {@code <region>:<hlc>:<tableId>:<columns>:<key>}: columns as decimal indexes joined by
 * {@code .} ({@code -} for a delete), key as the key values in the protocol's value encoding,
 * base64url without padding. For example
 * {@code eu-west-1:111484372295434241:0;eu-west-1:111484372295434241:7:0.1:AQAAAAAAAAAF}. The
 * empty string is an empty token. Thread-safe.
 */
final class SessionToken {

  /** A session's write of one row, as listed. */
  record Write(String origin, Request.WrittenRow row) {}

  /** What a read in a region needs applied there, and the listed writes that can show it. */
  record Need(Map<String, Long> required, Map<String, Long> floors, List<Request.WrittenRow> rows) {
    boolean isEmpty() {
      return required.isEmpty();
    }
  }

  /** A row of a table, compared by key values. */
  private record RowRef(long tableId, Object[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof RowRef r && r.tableId == tableId && Arrays.deepEquals(r.key, key);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(tableId) * 31 + Arrays.deepHashCode(key);
    }

    @Override
    public String toString() {
      return tableId + Arrays.deepToString(key);
    }
  }

  private final Map<Integer, String> regionsById = new HashMap<>();
  private final List<String> regions;
  private final int capacity;
  private final ConcurrentHashMap<String, Long> highest = new ConcurrentHashMap<>();
  /** Guarded by this. Per origin, the highest stamp of a write no longer listed. */
  private final Map<String, Long> floors = new HashMap<>();
  /** Guarded by this. The listed writes per row, rows in order of their latest write. */
  private final LinkedHashMap<RowRef, List<Write>> recent = new LinkedHashMap<>();
  /** Guarded by this. The number of listed writes. */
  private int listed;
  /**
   * Guarded by this. Per origin, the writes dropped from the list most recently, as row hashes
   * and stamps, so a read by key knows which of them were of its rows.
   */
  private final Map<String, Dropped> dropped = new HashMap<>();

  /**
   * The latest {@link #DROPPED} writes dropped from the list of one origin, by row hash, and
   * the highest stamp of those forgotten before them or written with no row known.
   */
  private static final class Dropped {
    final long[] hashes = new long[DROPPED];
    final long[] stamps = new long[DROPPED];
    int count;
    int next;
    long forgotten;

    void add(long hash, long stamp) {
      if (count == DROPPED) {
        forgotten = Math.max(forgotten, stamps[next]);
      } else {
        count++;
      }
      hashes[next] = hash;
      stamps[next] = stamp;
      next = (next + 1) % DROPPED;
    }

    /** The highest stamp of a dropped write that may be of one of these rows. */
    long floorFor(long[] rowHashes) {
      long floor = forgotten;
      for (int i = 0; i < count; i++) {
        for (long h : rowHashes) {
          if (hashes[i] == h) {
            floor = Math.max(floor, stamps[i]);
          }
        }
      }
      return floor;
    }
  }

  /** How many dropped writes per origin are remembered by row. */
  static final int DROPPED = 4096;

  /**
   * @param capacity how many writes to list at most (0: none, the figures alone vouch)
   */
  SessionToken(List<String> regions, int capacity) {
    this.regions = List.copyOf(regions);
    this.capacity = capacity;
    for (String r : regions) {
      regionsById.put(Stamp.regionId(r), r);
    }
  }

  /** Notes a write this session made; stamps of regions the connection does not know are ignored. */
  void wrote(Stamp stamp) {
    wrote(stamp, 0, null, null, false);
  }

  /**
   * Notes a write this session made to a row, listing it.
   *
   * @param columns the columns written (ignored for a delete)
   */
  void wrote(Stamp stamp, long tableId, Object[] key, int[] columns, boolean delete) {
    if (stamp == null) {
      return;
    }
    String origin = regionsById.get(stamp.origin());
    if (origin == null) {
      return;
    }
    synchronized (this) {
      highest.merge(origin, stamp.hlc(), Math::max);
      if (key == null || capacity == 0) {
        floors.merge(origin, stamp.hlc(), Math::max);
        Dropped d = dropped.computeIfAbsent(origin, o -> new Dropped());
        d.forgotten = Math.max(d.forgotten, stamp.hlc());
        return;
      }
      list(new Write(origin, new Request.WrittenRow(tableId, key.clone(), stamp,
          delete ? new int[0] : columns.clone(), delete)));
    }
  }

  /** Guarded by this. */
  private void list(Write w) {
    RowRef ref = new RowRef(w.row().tableId(), w.row().key());
    List<Write> earlier = recent.remove(ref);
    List<Write> kept = new ArrayList<>(earlier == null ? 1 : earlier.size() + 1);
    if (earlier != null) {
      for (Write e : earlier) {
        if (covers(w.row(), e.row())) {
          listed--;
        } else {
          kept.add(e);
        }
      }
    }
    kept.add(w);
    listed++;
    recent.put(ref, kept);
    Iterator<Map.Entry<RowRef, List<Write>>> oldest = recent.entrySet().iterator();
    while (listed > capacity && oldest.hasNext()) {
      for (Write gone : oldest.next().getValue()) {
        floors.merge(gone.origin(), gone.row().stamp().hlc(), Math::max);
        dropped.computeIfAbsent(gone.origin(), o -> new Dropped())
            .add(rowHash(gone.row().tableId(), gone.row().key()), gone.row().stamp().hlc());
        listed--;
      }
      oldest.remove();
    }
  }

  /**
   * Whether a row showing {@code later} shows {@code earlier} too: a later delete, or a later
   * write of every column the earlier (non-delete) write set.
   */
  private static boolean covers(Request.WrittenRow later, Request.WrittenRow earlier) {
    if (later.stamp().compareTo(earlier.stamp()) <= 0) {
      return false;
    }
    if (later.delete()) {
      return true;
    }
    if (earlier.delete()) {
      return false;
    }
    for (int c : earlier.columns()) {
      boolean found = false;
      for (int d : later.columns()) {
        found |= c == d;
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** What a read in {@code region} needs applied there first: every other origin's entry. */
  Map<String, Long> requiredIn(String region) {
    if (highest.isEmpty() || (highest.size() == 1 && highest.containsKey(region))) {
      return Map.of();
    }
    Map<String, Long> out = new HashMap<>();
    highest.forEach((origin, hlc) -> {
      if (!origin.equals(region)) {
        out.put(origin, hlc);
      }
    });
    return out;
  }

  /**
   * What a read in {@code region} needs there, with the listed writes that can show it.
   *
   * @param shown per origin, the highest stamp up to which the region already showed this
   *     session's listed writes (their rows need not be read again); may be empty
   */
  synchronized Need needIn(String region, Map<String, Long> shown) {
    Map<String, Long> required = requiredIn(region);
    Map<String, Long> floor = new HashMap<>();
    List<Request.WrittenRow> rows = new ArrayList<>();
    for (String origin : required.keySet()) {
      long f = floors.getOrDefault(origin, 0L);
      long seen = shown.getOrDefault(origin, 0L);
      floor.put(origin, seen >= f ? 0 : f);
    }
    for (List<Write> writes : recent.values()) {
      for (Write w : writes) {
        if (required.containsKey(w.origin())
            && w.row().stamp().hlc() > shown.getOrDefault(w.origin(), 0L)) {
          rows.add(w.row());
        }
      }
    }
    return new Need(required, floor, rows);
  }

  /**
   * What a read of some rows of one table in {@code region} needs there: the listed writes of
   * those rows, and per origin a floor that counts only the dropped writes that may have been
   * of them (a row hash matching) or that are no longer remembered by row.
   *
   * @param keys the rows' canonical key values
   */
  synchronized Need needForRows(String region, Map<String, Long> shown, long tableId,
      List<Object[]> keys) {
    Need all = needIn(region, shown);
    long[] hashes = new long[keys.size()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = rowHash(tableId, keys.get(i));
    }
    Map<String, Long> floor = new HashMap<>();
    for (String origin : all.required().keySet()) {
      Dropped d = dropped.get(origin);
      long f = d == null ? 0 : d.floorFor(hashes);
      floor.put(origin, f <= shown.getOrDefault(origin, 0L) ? 0 : f);
    }
    List<Request.WrittenRow> rows = new ArrayList<>();
    for (Request.WrittenRow r : all.rows()) {
      if (r.tableId() == tableId && keys.stream().anyMatch(k -> Arrays.deepEquals(k, r.key()))) {
        rows.add(r);
      }
    }
    return new Need(all.required(), floor, rows);
  }

  private static long rowHash(long tableId, Object[] key) {
    return tableId * 0x9E3779B97F4A7C15L + Arrays.deepHashCode(key);
  }

  /** Whether this token lists writes at all ({@code sessionRecentWrites} above 0). */
  boolean lists() {
    return capacity > 0;
  }

  /** Whether writes of some origin a read in {@code region} needs are listed. */
  synchronized boolean listsFor(Map<String, Long> required) {
    for (List<Write> writes : recent.values()) {
      for (Write w : writes) {
        if (required.containsKey(w.origin())) {
          return true;
        }
      }
    }
    return false;
  }

  /** The token as text (see the class comment). */
  synchronized String encode() {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(highest).forEach((region, hlc) -> {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(region).append(':').append(hlc);
      if (isListed(region)) {
        b.append(':').append(floors.getOrDefault(region, 0L));
      }
    });
    String sep = ";";
    for (List<Write> writes : recent.values()) {
      for (Write w : writes) {
        Request.WrittenRow r = w.row();
        b.append(sep).append(w.origin()).append(':').append(r.stamp().hlc()).append(':')
            .append(r.tableId()).append(':').append(columnsText(r)).append(':')
            .append(keyText(r.key()));
        sep = ",";
      }
    }
    return b.toString();
  }

  /** Guarded by this. */
  private boolean isListed(String origin) {
    for (List<Write> writes : recent.values()) {
      for (Write w : writes) {
        if (w.origin().equals(origin)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String columnsText(Request.WrittenRow r) {
    if (r.delete()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    for (int c : r.columns()) {
      b.append(b.length() == 0 ? "" : ".").append(c);
    }
    return b.toString();
  }

  private static String keyText(Object[] key) {
    ByteBuf buf = Unpooled.buffer();
    try {
      for (Object v : key) {
        Values.write(buf, v);
      }
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } finally {
      buf.release();
    }
  }

  /**
   * Replaces the token with one read from text (another server's, say); an empty or null text
   * empties it. The writes listed beyond this connection's {@code sessionRecentWrites} are
   * dropped oldest first, as if written here.
   *
   * @throws MeridianException {@code 22023} for malformed text or an unknown region
   */
  void replaceWith(String text) {
    Map<String, Long> parsedHighest = new HashMap<>();
    Map<String, Long> parsedFloors = new HashMap<>();
    List<Write> parsedWrites = new ArrayList<>();
    if (text != null && !text.isBlank()) {
      int semicolon = text.indexOf(';');
      String origins = semicolon < 0 ? text : text.substring(0, semicolon);
      for (String entry : origins.split(",", -1)) {
        parseOrigin(entry, parsedHighest, parsedFloors);
      }
      if (semicolon >= 0) {
        for (String entry : text.substring(semicolon + 1).split(",", -1)) {
          parsedWrites.add(parseWrite(entry));
        }
      }
      for (Write w : parsedWrites) {
        Long h = parsedHighest.get(w.origin());
        if (h == null || !parsedFloors.containsKey(w.origin())) {
          throw bad("the session token lists a write of " + w.origin() + " but no floor for"
              + " that region in its first part");
        }
        if (w.row().stamp().hlc() > h) {
          throw bad("the session token lists a write of " + w.origin() + " stamped above the"
              + " highest stamp it gives that region");
        }
      }
    }
    synchronized (this) {
      highest.clear();
      highest.putAll(parsedHighest);
      floors.clear();
      recent.clear();
      dropped.clear();
      listed = 0;
      parsedHighest.forEach((origin, hlc) -> {
        long floor = parsedFloors.getOrDefault(origin, hlc);
        floors.put(origin, floor);
        // Which rows the dropped writes were of does not travel: all of them count.
        dropped.computeIfAbsent(origin, o -> new Dropped()).forgotten = floor;
      });
      for (Write w : parsedWrites) {
        if (capacity == 0) {
          floors.merge(w.origin(), w.row().stamp().hlc(), Math::max);
          Dropped d = dropped.computeIfAbsent(w.origin(), o -> new Dropped());
          d.forgotten = Math.max(d.forgotten, w.row().stamp().hlc());
        } else {
          list(w);
        }
      }
    }
  }

  private void parseOrigin(String entry, Map<String, Long> parsedHighest,
      Map<String, Long> parsedFloors) {
    String[] parts = entry.split(":", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].trim().isEmpty()) {
      throw bad("the session token entry '" + entry + "' is not <region>:<hlc>[:<floor>]");
    }
    String region = knownRegion(parts[0].trim());
    long hlc = number(entry, parts[1]);
    parsedHighest.merge(region, hlc, Math::max);
    if (parts.length == 3) {
      long floor = number(entry, parts[2]);
      if (floor > hlc) {
        throw bad("the session token entry '" + entry + "' has a floor above its stamp");
      }
      parsedFloors.merge(region, floor, Math::max);
    }
  }

  private Write parseWrite(String entry) {
    String[] parts = entry.split(":", -1);
    if (parts.length != 5) {
      throw bad("the session token write '" + entry
          + "' is not <region>:<hlc>:<tableId>:<columns>:<key>");
    }
    String region = knownRegion(parts[0].trim());
    long hlc = number(entry, parts[1]);
    long tableId;
    try {
      tableId = Long.parseLong(parts[2].trim());
    } catch (NumberFormatException e) {
      throw bad("the session token write '" + entry + "' has no table id");
    }
    boolean delete = parts[3].equals("-");
    int[] columns;
    try {
      columns = delete || parts[3].isEmpty() ? new int[0]
          : Arrays.stream(parts[3].split("\\.", -1)).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw bad("the session token write '" + entry + "' has malformed columns");
    }
    for (int c : columns) {
      if (c < 0) {
        throw bad("the session token write '" + entry + "' has a negative column");
      }
    }
    return new Write(region, new Request.WrittenRow(tableId, key(entry, parts[4]),
        new Stamp(hlc, Stamp.regionId(region)), columns, delete));
  }

  private static Object[] key(String entry, String text) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      throw bad("the session token write '" + entry + "' has a key that is not base64url");
    }
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    List<Object> values = new ArrayList<>();
    try {
      while (buf.isReadable()) {
        values.add(Values.read(buf));
      }
    } catch (MeridianException e) {
      throw bad("the session token write '" + entry + "' has a malformed key: "
          + e.getMessage());
    }
    if (values.isEmpty()) {
      throw bad("the session token write '" + entry + "' has an empty key");
    }
    return values.toArray();
  }

  private String knownRegion(String region) {
    if (!regions.contains(region)) {
      throw bad("the session token names the region '" + region + "', which is not one of"
          + " this connection's regions " + regions);
    }
    return region;
  }

  private static long number(String entry, String text) {
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw bad("the session token entry '" + entry + "' has no whole number after ':'");
    }
    if (v < 0) {
      throw bad("the session token entry '" + entry + "' has a negative stamp");
    }
    return v;
  }

  private static MeridianException bad(String message) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, message
        + "; pass a token read from sessionToken(), or an empty one");
  }

  @Override
  public String toString() {
    return encode();
  }
}
