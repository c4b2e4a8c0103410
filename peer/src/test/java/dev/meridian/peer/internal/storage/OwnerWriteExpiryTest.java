package dev.meridian.peer.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableCapacity;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.WriteKind;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The owner's write decisions on a row whose ttl time has passed, on a clock the test moves:
 * reads' rule ({@link Expiry}) and writes' rule agree at one moment; an expired row is absent to
 * UPDATE and DELETE and to INSERT and UPSERT, which write as onto an absent row (no old cell shows
 * through, the old expiry included); the sweep's delete writes a tombstone only while the owner
 * still finds the row expired; NULL never expires. Both resolutions.
 */
class OwnerWriteExpiryTest {
  private static final byte[] KEY = {1};
  private static final LocalDateTime T0 = LocalDateTime.of(2026, 1, 1, 12, 0);
  private static final long T0_MS = T0.toInstant(ZoneOffset.UTC).toEpochMilli();

  private final AtomicLong wall = new AtomicLong(T0_MS - 60_000);
  private final HybridClock clock = new HybridClock(1, 500, wall::get);
  private final Expiry expiry = new Expiry(wall::get);

  /** ID (key), NOTE, EXPIRES_AT (the ttl column). */
  private static TableSchema table(ConflictResolution resolution) {
    return new TableSchema(7, "SESSIONS", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("NOTE", ColumnType.of(TypeKind.VARCHAR, 10), true),
        new ColumnDef("EXPIRES_AT", ColumnType.of(TypeKind.TIMESTAMP), true)),
        List.of(0), resolution, 1, TableCapacity.NONE, 2, true);
  }

  private StoredRow write(TableSchema t, StoredRow row, WriteKind kind, int[] columns,
      Object... values) {
    byte[][] encoded = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      encoded[i] = Cell.encode(values[i]);
    }
    OwnerWrite.Result r = new OwnerWrite(kind, t.resolution(), columns, encoded, null, null,
        null, t.ttlColumn(), expiry.now(t)).apply(row, KEY, clock, null, "eu-west-1");
    return r.stored() == null ? null : RowFormat.decode(r.stored());
  }

  private StoredRow session(TableSchema t, LocalDateTime expiresAt) {
    return write(t, StoredRow.EMPTY, WriteKind.INSERT, new int[] {0, 1, 2}, 1L, "old",
        expiresAt);
  }

  private RowOutcome outcome(TableSchema t, StoredRow row, WriteKind kind) {
    return new OwnerWrite(kind, t.resolution(), new int[] {1}, new byte[][] {Cell.encode("x")},
        null, null, null, t.ttlColumn(), expiry.now(t)).apply(row, KEY, clock, null, "eu-west-1")
        .outcome();
  }

  @Test
  void anExpiredRowIsAbsentToUpdateDeleteAndInsert() {
    for (ConflictResolution resolution : ConflictResolution.values()) {
      TableSchema t = table(resolution);
      StoredRow row = session(t, T0);
      assertEquals(RowOutcome.Status.DUPLICATE, outcome(t, row, WriteKind.INSERT).status());
      assertEquals(RowOutcome.Status.APPLIED, outcome(t, row, WriteKind.UPDATE).status());
      wall.set(T0_MS); // the row's time: expired from this millisecond on
      assertTrue(Expiry.expired(row, 2, expiry.now(t)));
      assertTrue(Expiry.expired(row.visibleValues(3), 2, expiry.now(t)));
      assertEquals(RowOutcome.Status.NOT_FOUND, outcome(t, row, WriteKind.UPDATE).status());
      assertEquals(RowOutcome.Status.NOT_FOUND, outcome(t, row, WriteKind.DELETE).status());
      assertEquals(RowOutcome.Status.APPLIED, outcome(t, row, WriteKind.INSERT).status());
      wall.set(T0_MS - 60_000);
    }
  }

  @Test
  void anInsertOrUpsertOntoAnExpiredRowShowsNothingOfTheOldRow() {
    for (ConflictResolution resolution : ConflictResolution.values()) {
      for (WriteKind kind : List.of(WriteKind.INSERT, WriteKind.UPSERT)) {
        TableSchema t = table(resolution);
        StoredRow row = session(t, T0);
        wall.set(T0_MS + 1);
        StoredRow after = write(t, row, kind, new int[] {0, 1}, 1L, "new");
        assertArrayEquals(new Object[] {1L, "new", null}, after.visibleValues(3),
            resolution + " " + kind);
        assertFalse(Expiry.expired(after, 2, expiry.now(t)), "NULL never expires");
        wall.set(T0_MS - 60_000);
      }
    }
  }

  @Test
  void theSweepDeletesOnlyWhatTheOwnerStillFindsExpired() {
    for (ConflictResolution resolution : ConflictResolution.values()) {
      TableSchema t = table(resolution);
      StoredRow row = session(t, T0);
      OwnerWrite.Result early = OwnerWrite.sweep(t.resolution(), 2, T0_MS - 1)
          .apply(row, KEY, clock, null, "eu-west-1");
      assertEquals(RowOutcome.Status.NOT_FOUND, early.outcome().status());
      assertNull(early.stored());
      // Re-written with a later time before the sweep's delete reaches the owner: kept.
      StoredRow extended = write(t, row, WriteKind.UPDATE, new int[] {2}, T0.plusHours(1));
      wall.set(T0_MS + 1);
      OwnerWrite.Result kept = OwnerWrite.sweep(t.resolution(), 2, expiry.now(t))
          .apply(extended, KEY, clock, null, "eu-west-1");
      assertEquals(RowOutcome.Status.NOT_FOUND, kept.outcome().status());
      OwnerWrite.Result swept = OwnerWrite.sweep(t.resolution(), 2, expiry.now(t))
          .apply(row, KEY, clock, null, "eu-west-1");
      assertEquals(RowOutcome.Status.APPLIED, swept.outcome().status());
      StoredRow gone = RowFormat.decode(swept.stored());
      assertFalse(gone.isVisible());
      assertTrue(gone.tombstone().after(row.maxStamp()));
      assertEquals(StoredRow.deleted(gone.tombstone()), swept.fragment());
      wall.set(T0_MS - 60_000);
    }
  }

  @Test
  void nullNeverExpiresAndATableWithoutTtlIgnoresTheColumn() {
    TableSchema t = table(ConflictResolution.CELL);
    StoredRow row = session(t, null);
    wall.set(Long.MAX_VALUE / 2);
    assertFalse(Expiry.expired(row, 2, expiry.now(t)));
    StoredRow past = session(t, T0);
    TableSchema plain = t.withOptions(TableCapacity.NONE, TableSchema.NO_TTL, true);
    assertEquals(Expiry.NEVER, expiry.now(plain));
    assertFalse(Expiry.expired(past, plain.ttlColumn(), expiry.now(plain)));
  }
}
