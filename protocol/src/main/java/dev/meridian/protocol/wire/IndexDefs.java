package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.types.IndexDef;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of {@link IndexDef}, used on the wire and in the peer's index catalog:
 * {@code string name, string table, long tableId, byte ready, int n, n x (int column,
 * byte descending)}. Example: index {@code TOP} of {@code LB} (id 5) on column 2 descending,
 * ready, is {@code 00000003 544F50 | 00000002 4C42 | 0000000000000005 | 01 | 00000001 |
 * 00000002 01}. Stateless and thread-safe.
 */
public final class IndexDefs {
  private IndexDefs() {}

  /** Writes an index definition. */
  public static void write(ByteBuf out, IndexDef d) {
    Values.writeString(out, d.name());
    Values.writeString(out, d.table());
    out.writeLong(d.tableId()).writeByte(d.ready() ? 1 : 0).writeInt(d.keys().size());
    for (IndexDef.Key k : d.keys()) {
      out.writeInt(k.column()).writeByte(k.descending() ? 1 : 0);
    }
  }

  /** Reads an index definition written by {@link #write}; malformed input fails with 08P01. */
  public static IndexDef read(ByteBuf in) {
    String name = Values.readString(in);
    String table = Values.readString(in);
    long tableId = Values.need(in, 9).readLong();
    boolean ready = in.readByte() != 0;
    int n = Values.readCount(in, 5);
    List<IndexDef.Key> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Values.need(in, 5);
      keys.add(new IndexDef.Key(in.readInt(), in.readByte() != 0));
    }
    try {
      return new IndexDef(name, table, tableId, keys, ready);
    } catch (IllegalArgumentException e) {
      throw Values.corrupt("invalid index definition: " + e.getMessage());
    }
  }

  /** Writes a list of definitions: {@code int n, n definitions}. */
  public static void writeAll(ByteBuf out, List<IndexDef> defs) {
    out.writeInt(defs.size());
    for (IndexDef d : defs) {
      write(out, d);
    }
  }

  /** Reads a list written by {@link #writeAll}. */
  public static List<IndexDef> readAll(ByteBuf in) throws MeridianException {
    int n = Values.readCount(in, 22);
    List<IndexDef> defs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      defs.add(read(in));
    }
    return defs;
  }
}
