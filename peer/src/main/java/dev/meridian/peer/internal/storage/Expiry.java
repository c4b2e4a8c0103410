package dev.meridian.peer.internal.storage;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.TableSchema;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The rule of row expiry for a table with a {@code ttl_column}: a row whose ttl value is at or
 * before now (its TIMESTAMP read as UTC) is expired, invisible to every read and to the
 * existence checks of writes; a NULL value never expires. Every path that decides visibility
 * (point reads, scans, index reads, owner writes, the sweep) asks this class with the same
 * {@code now}, taken once per request from the clock, so a request sees one consistent moment.
 * Immutable and thread-safe.
 */
public final class Expiry {
  /** A {@code now} under which nothing is expired (a table without a ttl column). */
  public static final long NEVER = Long.MIN_VALUE;

  private final LongSupplier wallMillis;

  /** An expiry rule reading the time from {@code wallMillis} (milliseconds since the epoch). */
  public Expiry(LongSupplier wallMillis) {
    this.wallMillis = wallMillis;
  }

  /** The rule on the system clock. */
  public static Expiry system() {
    return new Expiry(System::currentTimeMillis);
  }

  /** The moment a request of {@code table} judges expiry by: now, or {@link #NEVER}. */
  public long now(TableSchema table) {
    return table.hasTtl() ? wallMillis.getAsLong() : NEVER;
  }

  /** Whether a stored row is expired at {@code now} (false for {@link TableSchema#NO_TTL}). */
  public static boolean expired(StoredRow row, int ttlColumn, long now) {
    if (ttlColumn == TableSchema.NO_TTL || now == NEVER) {
      return false;
    }
    Cell cell = row.cell(ttlColumn);
    return cell != null && row.isVisible(cell) && expired(cell.value(), now);
  }

  /** Whether a row's visible values are expired at {@code now}. */
  public static boolean expired(Object[] values, int ttlColumn, long now) {
    if (ttlColumn == TableSchema.NO_TTL || now == NEVER || values == null
        || ttlColumn >= values.length) {
      return false;
    }
    return expired(values[ttlColumn], now);
  }

  private static boolean expired(Object ttl, long now) {
    return ttl instanceof LocalDateTime t && t.toInstant(ZoneOffset.UTC).toEpochMilli() <= now;
  }

  /** The milliseconds since the epoch that a ttl value stands for (UTC). */
  public static long millis(LocalDateTime ttl) {
    return ttl.toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
