package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Values;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The canonical bytes of a primary key: the {@link Values} encoding of the coerced key values,
 * in key order, concatenated. Two keys are the same row exactly when their bytes are equal,
 * which is what the table maps compare.
 *
 * <p>Stateless and thread-safe.
 */
final class TableKey {
  private TableKey() {}

  /**
   * Coerces client key values to the key columns' canonical values.
   *
   * @return the canonical values in key order, or null when a value is NULL (no row has it)
   * @throws MeridianException {@code 08P01} for the wrong number of values, {@code 22xxx} for a
   *     value that does not fit its column
   */
  static Object[] coerceOrNull(TableSchema schema, Object[] key) {
    int n = schema.keyColumns().size();
    if (key == null || key.length != n) {
      throw new MeridianException(SqlState.PROTOCOL_VIOLATION, "table " + schema.name()
          + " has " + n + " key columns, but the request gave "
          + (key == null ? "no key" : key.length + " key values"));
    }
    Object[] out = new Object[n];
    for (int p = 0; p < n; p++) {
      if (key[p] == null) {
        return null;
      }
      out[p] = coerce(schema.column(schema.keyColumns().get(p)), key[p]);
    }
    return out;
  }

  /**
   * Coerces one value to its column's canonical value, naming the column on failure. Signed
   * zeros and NaNs are folded so that equal keys are equal bytes.
   */
  static Object coerce(ColumnDef column, Object value) {
    Object v;
    try {
      v = column.type().coerce(value);
    } catch (MeridianException e) {
      throw new MeridianException(e.state(), "column " + column.name() + ": " + e.getMessage(), e);
    }
    if (v instanceof Double d && (d == 0.0 || d.isNaN())) {
      return d.isNaN() ? Double.NaN : 0.0d;
    }
    if (v instanceof Float f && (f == 0.0f || f.isNaN())) {
      return f.isNaN() ? Float.NaN : 0.0f;
    }
    return v;
  }

  /** Encodes canonical key values (from {@link #coerceOrNull}). */
  static byte[] encode(Object[] canonicalKey) {
    ByteBuf buf = Unpooled.buffer(16 * canonicalKey.length);
    try {
      for (Object v : canonicalKey) {
        Values.write(buf, v);
      }
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  /** Encodes one canonical value as a cell value. */
  static byte[] encodeValue(Object canonical) {
    return Cell.encode(canonical);
  }
}
