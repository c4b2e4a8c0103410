package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary encoding of {@link TableSchema} and {@link Stamp}, used on the wire and in the
 * peer's catalog.
 *
 * <p>A schema is: {@code long tableId, string name, byte resolution, long version,
 * int columnCount, per column (string name, byte typeKind, int precision, int scale,
 * byte flags), int keyCount, per key column int index}, where the flags are bit 0 nullable and
 * bit 1 dropped; other bits are malformed.
 *
 * <p>A table with capacity limits sets bit 7 ({@code 0x80}) of the resolution byte and ends with
 * {@code int limitCount, per limit (byte kind, string region, long unitsPerSecond)}, kind 0 a
 * write limit and 1 a read limit, region {@code *} for every region; a table without limits
 * encodes exactly as before limits existed. For example, {@code write_capacity = '1000/s'} adds
 * {@code 00000001 00 00000001 2a 00000000000003e8}.
 *
 * <p>A table with a ttl column or with the conflict log off sets bit 6 ({@code 0x40}) of the
 * resolution byte and ends, after any capacity section, with {@code int ttlColumn, byte flags}:
 * the ttl column's id or -1 for none, and flag bit 0 set when the conflict log is off (other
 * bits are malformed). For example, {@code ttl_column} naming column 2 adds
 * {@code 00000002 00}; {@code conflict_log = off} alone adds {@code ffffffff 01}. A table with
 * neither encodes as before these options existed. A stamp is {@code long hlc, int origin}.
 * Stateless and thread-safe.
 */
public final class Schemas {
  private static final int NULLABLE = 1;
  private static final int DROPPED = 2;
  private static final int HAS_CAPACITY = 0x80;
  private static final int HAS_OPTIONS = 0x40;
  private static final int CONFLICT_LOG_OFF = 1;
  private static final int WRITE_LIMIT = 0;
  private static final int READ_LIMIT = 1;

  private Schemas() {}

  /** Writes a schema. */
  public static void write(ByteBuf out, TableSchema s) {
    out.writeLong(s.tableId());
    Values.writeString(out, s.name());
    TableCapacity capacity = s.capacity();
    boolean options = s.hasTtl() || !s.conflictLog();
    out.writeByte(s.resolution().ordinal() | (capacity.isNone() ? 0 : HAS_CAPACITY)
        | (options ? HAS_OPTIONS : 0));
    out.writeLong(s.version());
    out.writeInt(s.columns().size());
    for (ColumnDef c : s.columns()) {
      Values.writeString(out, c.name());
      out.writeByte(c.type().kind().tag());
      out.writeInt(c.type().precision());
      out.writeInt(c.type().scale());
      out.writeByte((c.nullable() ? NULLABLE : 0) | (c.dropped() ? DROPPED : 0));
    }
    out.writeInt(s.keyColumns().size());
    for (int k : s.keyColumns()) {
      out.writeInt(k);
    }
    if (!capacity.isNone()) {
      out.writeInt(capacity.writes().size() + capacity.reads().size());
      writeLimits(out, WRITE_LIMIT, capacity.writes());
      writeLimits(out, READ_LIMIT, capacity.reads());
    }
    if (options) {
      out.writeInt(s.ttlColumn());
      out.writeByte(s.conflictLog() ? 0 : CONFLICT_LOG_OFF);
    }
  }

  private static void writeLimits(ByteBuf out, int kind, Map<String, Long> limits) {
    for (Map.Entry<String, Long> e : limits.entrySet()) {
      out.writeByte(kind);
      Values.writeString(out, e.getKey());
      out.writeLong(e.getValue());
    }
  }

  private static TableCapacity readLimits(ByteBuf in) {
    int n = Values.readCount(in, 13);
    Map<String, Long> writes = new TreeMap<>();
    Map<String, Long> reads = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      byte kind = Values.readByte(in);
      if (kind != WRITE_LIMIT && kind != READ_LIMIT) {
        throw Values.corrupt("capacity limit kind " + kind);
      }
      String region = Values.readString(in);
      long limit = Values.need(in, 8).readLong();
      if ((kind == WRITE_LIMIT ? writes : reads).put(region, limit) != null) {
        throw Values.corrupt("capacity limit for " + region + " given twice");
      }
    }
    if (n == 0) {
      throw Values.corrupt("a capacity section without limits");
    }
    return new TableCapacity(writes, reads);
  }

  /** Reads a schema written by {@link #write}; malformed input fails with {@code 08P01}. */
  public static TableSchema read(ByteBuf in) {
    long id = Values.need(in, 8).readLong();
    String name = Values.readString(in);
    int flagged = Values.readByte(in) & 0xff;
    int res = flagged & ~(HAS_CAPACITY | HAS_OPTIONS);
    if (res >= ConflictResolution.values().length) {
      throw Values.corrupt("conflict resolution " + res);
    }
    long version = Values.need(in, 8).readLong();
    int n = Values.readCount(in, 14);
    List<ColumnDef> cols = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        String cname = Values.readString(in);
        TypeKind kind = TypeKind.ofTag(Values.readByte(in));
        int precision = Values.need(in, 9).readInt();
        int scale = in.readInt();
        int flags = in.readByte();
        if ((flags & ~(NULLABLE | DROPPED)) != 0) {
          throw Values.corrupt("column flags " + flags);
        }
        cols.add(new ColumnDef(cname, new ColumnType(kind, precision, scale),
            (flags & NULLABLE) != 0, (flags & DROPPED) != 0));
      }
      int k = Values.readCount(in, 4);
      List<Integer> keys = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        keys.add(in.readInt());
      }
      TableCapacity capacity =
          (flagged & HAS_CAPACITY) != 0 ? readLimits(in) : TableCapacity.NONE;
      int ttl = TableSchema.NO_TTL;
      boolean conflictLog = true;
      if ((flagged & HAS_OPTIONS) != 0) {
        ttl = Values.need(in, 4).readInt();
        int flags = Values.readByte(in);
        if ((flags & ~CONFLICT_LOG_OFF) != 0) {
          throw Values.corrupt("table option flags " + flags);
        }
        conflictLog = flags == 0;
        if (ttl == TableSchema.NO_TTL && conflictLog) {
          throw Values.corrupt("a table options section that sets no option");
        }
      }
      return new TableSchema(id, name, cols, keys, ConflictResolution.values()[res], version,
          capacity, ttl, conflictLog);
    } catch (IllegalArgumentException | MeridianException e) {
      if (e instanceof MeridianException m && m.state() == Values.corrupt("").state()) {
        throw m;
      }
      throw Values.corrupt("invalid table definition: " + e.getMessage());
    }
  }

  /** Writes a stamp. */
  public static void writeStamp(ByteBuf out, Stamp s) {
    out.writeLong(s.hlc()).writeInt(s.origin());
  }

  /** Reads a stamp. */
  public static Stamp readStamp(ByteBuf in) {
    Values.need(in, 12);
    return new Stamp(in.readLong(), in.readInt());
  }
}
