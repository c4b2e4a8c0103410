package dev.meridian.peer.internal.storage;

import dev.meridian.protocol.wire.KeyBytes;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.TableSchema;

/**
 * The canonical bytes of a primary key ({@link KeyBytes}): the encoding of the coerced key values,
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
    return KeyBytes.fold(v);
  }

  /** Encodes canonical key values (from {@link #coerceOrNull}). */
  static byte[] encode(Object[] canonicalKey) {
    return KeyBytes.encode(canonicalKey);
  }

  /** Encodes one canonical value as a cell value. */
  static byte[] encodeValue(Object canonical) {
    return Cell.encode(canonical);
  }
}
