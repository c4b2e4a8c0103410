package dev.meridian.peer.internal.row;

import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * One cell of a stored row: a column's value and the stamp of the write that set it.
 *
 * <p>The value is kept in its {@link Values} encoding so that merging and storing never
 * re-encode and equal values are equal bytes. Immutable and thread-safe as long as nobody
 * modifies the array passed in or returned by {@link #encodedValue()} (internal callers never
 * do; copying would cost every merge).
 */
public final class Cell {
  private final int column;
  private final Stamp stamp;
  private final byte[] value;

  /**
   * A cell from an already encoded value.
   *
   * @param column the column index in the table's column order, {@code >= 0}
   * @param stamp the stamp of the write that set it, not null
   * @param encodedValue one value in the {@link Values} encoding, not null
   */
  public Cell(int column, Stamp stamp, byte[] encodedValue) {
    if (column < 0) {
      throw new IllegalArgumentException("negative column " + column);
    }
    if (stamp == null || encodedValue == null) {
      throw new IllegalArgumentException("cell of column " + column + " lacks a stamp or value");
    }
    this.column = column;
    this.stamp = stamp;
    this.value = encodedValue;
  }

  /** A cell from a canonical Java value (null for SQL NULL). */
  public static Cell of(int column, Stamp stamp, Object value) {
    return new Cell(column, stamp, encode(value));
  }

  /** Encodes one canonical value with {@link Values#write}. */
  public static byte[] encode(Object value) {
    ByteBuf buf = Unpooled.buffer(16);
    try {
      Values.write(buf, value);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  /** The column index. */
  public int column() {
    return column;
  }

  /** The stamp of the write that set this cell. */
  public Stamp stamp() {
    return stamp;
  }

  /** The value in its {@link Values} encoding; do not modify. */
  public byte[] encodedValue() {
    return value;
  }

  /** A COUNTER cell holding {@code counter}, stamped with its latest contribution. */
  public static Cell counter(int column, Counter counter) {
    return new Cell(column, counter.maxStamp(), counter.encode());
  }

  /** Whether this is a COUNTER cell ({@link Counter}). */
  public boolean isCounter() {
    return Counter.isCounter(value);
  }

  /** The counter this cell holds; only for a {@link #isCounter() counter cell}. */
  public Counter counter() {
    return Counter.decode(value);
  }

  /**
   * Whether this cell already holds what {@code other} (a cell of the same column) says: the
   * same write, or for counters every contribution of it with at least its stamp.
   */
  public boolean covers(Cell other) {
    if (isCounter() && other.isCounter()) {
      return counter().covers(other.counter());
    }
    return stamp.equals(other.stamp);
  }

  /** The decoded canonical value, or null for SQL NULL; a counter reads as its sum. */
  public Object value() {
    if (isCounter()) {
      return counter().sum();
    }
    ByteBuf buf = Unpooled.wrappedBuffer(value);
    try {
      return Values.read(buf);
    } finally {
      buf.release();
    }
  }

  /** The same value with another stamp. */
  public Cell withStamp(Stamp newStamp) {
    return new Cell(column, newStamp, value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cell c && column == c.column && stamp.equals(c.stamp)
        && Arrays.equals(value, c.value);
  }

  @Override
  public int hashCode() {
    return (31 * column + stamp.hashCode()) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    Object v;
    try {
      v = value();
    } catch (RuntimeException e) {
      v = "<" + value.length + " bytes>";
    }
    return "#" + column + "=" + (v instanceof byte[] b ? Arrays.toString(b) : v) + "@" + stamp;
  }
}
