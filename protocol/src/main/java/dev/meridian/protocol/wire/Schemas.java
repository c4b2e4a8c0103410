package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of {@link TableSchema} and {@link Stamp}, used on the wire and in the
 * peer's catalog.
 *
 * <p>A schema is: {@code long tableId, string name, byte resolution, long version,
 * int columnCount, per column (string name, byte typeKind, int precision, int scale,
 * byte flags), int keyCount, per key column int index}, where the flags are bit 0 nullable and
 * bit 1 dropped; other bits are malformed. A stamp is {@code long hlc, int origin}.
 * Stateless and thread-safe.
 */
public final class Schemas {
  private static final int NULLABLE = 1;
  private static final int DROPPED = 2;

  private Schemas() {}

  /** Writes a schema. */
  public static void write(ByteBuf out, TableSchema s) {
    out.writeLong(s.tableId());
    Values.writeString(out, s.name());
    out.writeByte(s.resolution().ordinal());
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
  }

  /** Reads a schema written by {@link #write}; malformed input fails with {@code 08P01}. */
  public static TableSchema read(ByteBuf in) {
    long id = Values.need(in, 8).readLong();
    String name = Values.readString(in);
    byte res = Values.readByte(in);
    if (res < 0 || res >= ConflictResolution.values().length) {
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
      return new TableSchema(id, name, cols, keys, ConflictResolution.values()[res], version);
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
