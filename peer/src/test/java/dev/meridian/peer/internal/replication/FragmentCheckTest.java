package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.ChangeRecord;
import dev.meridian.protocol.wire.KeyBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a link may not make this region store: each way a fragment can fail to fit its table. */
class FragmentCheckTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final TableSchema T = new TableSchema(7L, "T", List.of(
      new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
      new ColumnDef("NAME", ColumnType.of(TypeKind.VARCHAR, 20), true),
      new ColumnDef("N", ColumnType.of(TypeKind.INTEGER), false)),
      List.of(0), ConflictResolution.CELL);
  private static final Stamp AT = new Stamp(Stamp.hlc(NOW, 0), 3);

  private static ChangeRecord record(Object key, Cell... cells) {
    return new ChangeRecord(7L, KeyBytes.encode(new Object[] {key}),
        RowFormat.encode(StoredRow.of(null, List.of(cells))));
  }

  private static String problem(ChangeRecord r) {
    return FragmentCheck.problem(T, r, NOW);
  }

  @Test
  void aWellFormedFragmentFits() {
    assertNull(problem(record(1L, Cell.of(0, AT, 1L), Cell.of(1, AT, "ann"), Cell.of(2, AT, 5))));
    assertNull(problem(record(1L, Cell.of(1, AT, null))), "a cell without the key cells");
    assertNull(problem(new ChangeRecord(7L, KeyBytes.encode(new Object[] {1L}),
        RowFormat.encode(StoredRow.deleted(AT)))), "a tombstone");
  }

  @Test
  void aCellOfAColumnNotKnownYetIsHeldAndOneOfADroppedColumnApplies() {
    ChangeRecord newer = record(1L, Cell.of(0, AT, 1L), Cell.of(3, AT, "added elsewhere"));
    org.junit.jupiter.api.Assertions.assertEquals(3, FragmentCheck.newerColumn(T, newer));
    org.junit.jupiter.api.Assertions.assertEquals(-1,
        FragmentCheck.newerColumn(T, record(1L, Cell.of(1, AT, "ann"))));
    TableSchema dropped = T.evolve("T", List.of(T.column(0), T.column(1).asDropped(),
        T.column(2)));
    ChangeRecord old = record(1L, Cell.of(1, AT, "before the drop"));
    org.junit.jupiter.api.Assertions.assertEquals(-1, FragmentCheck.newerColumn(dropped, old));
    assertNull(FragmentCheck.problem(dropped, old, NOW), "kept, never read");
    TableSchema widened = T.evolve("T", List.of(T.column(0),
        T.column(1).retyped(ColumnType.of(TypeKind.VARCHAR, 40)), T.column(2)));
    ChangeRecord longer = record(1L, Cell.of(1, AT, "a name longer than twenty"));
    assertNotNull(problem(longer), "refused by a region that has not widened the column yet");
    assertNull(FragmentCheck.problem(widened, longer, NOW));
  }

  @Test
  void aKeyCellThatDiffersFromTheKeyIsRefused() {
    String p = problem(record(1L, Cell.of(0, AT, 2L), Cell.of(1, AT, "x")));
    assertTrue(p.contains("differs from its key"), p);
  }

  @Test
  void aCounterCellOnlyInACounterColumn() {
    TableSchema counters = new TableSchema(7L, "C", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("HITS", ColumnType.of(TypeKind.COUNTER), true)),
        List.of(0), ConflictResolution.CELL);
    Cell counter = dev.meridian.peer.internal.row.Cell.counter(1,
        dev.meridian.peer.internal.row.Counter.of(AT, 5));
    assertNull(FragmentCheck.problem(counters, record(1L, counter), NOW));
    assertTrue(FragmentCheck.problem(counters, record(1L, Cell.of(1, AT, 5L)), NOW)
        .contains("plain value"));
    assertTrue(problem(record(1L, Cell.counter(1, dev.meridian.peer.internal.row.Counter.of(AT,
        5)))).contains("holds a counter"));
  }

  @Test
  void aValueLongerThanItsColumnIsRefused() {
    String p = problem(record(1L, Cell.of(1, AT, "x".repeat(30))));
    assertTrue(p.contains("NAME"), p);
  }

  @Test
  void aValueOfAnotherTypeOrNotCanonicalIsRefused() {
    assertNotNull(problem(record(1L, Cell.of(2, AT, "five"))));
    assertNotNull(problem(record(1L, Cell.of(2, AT, 5L))), "a BIGINT in an INTEGER column");
  }

  @Test
  void nullInANotNullOrKeyColumnIsRefused() {
    assertNotNull(problem(record(1L, Cell.of(2, AT, null))));
    assertNotNull(problem(record(1L, Cell.of(0, AT, null))));
  }

  @Test
  void aColumnTheTableDoesNotHaveIsRefused() {
    assertTrue(problem(record(1L, Cell.of(3, AT, 1))).contains("has 3 columns"));
  }

  @Test
  void aKeyThatIsNotTheTablesKeyIsRefused() {
    assertNotNull(problem(record("one", Cell.of(1, AT, "x"))), "a VARCHAR key of a BIGINT table");
    assertNotNull(problem(new ChangeRecord(7L, KeyBytes.encode(new Object[] {1L, 2L}),
        RowFormat.encode(StoredRow.deleted(AT)))), "two key values");
    assertNotNull(problem(new ChangeRecord(7L, new byte[] {9, 9, 9},
        RowFormat.encode(StoredRow.deleted(AT)))), "garbage");
  }

  @Test
  void garbageInsteadOfARowIsRefused() {
    assertNotNull(problem(new ChangeRecord(7L, KeyBytes.encode(new Object[] {1L}),
        new byte[] {1, 0, 0})));
  }

  @Test
  void stampsBeyondADayAheadAreRefusedWithinTheBoundTheyFit() {
    Stamp hourAhead = new Stamp(Stamp.hlc(NOW + 3_600_000, 0), 3);
    assertNull(problem(record(1L, Cell.of(1, hourAhead, "x"))));
    Stamp twoDays = new Stamp(Stamp.hlc(NOW + 2 * 86_400_000L, 0), 3);
    assertTrue(problem(record(1L, Cell.of(1, twoDays, "x"))).contains("more than a day ahead"));
    assertNotNull(problem(record(1L, Cell.of(1, new Stamp(Long.MAX_VALUE, 3), "x"))));
    assertNotNull(problem(new ChangeRecord(7L, KeyBytes.encode(new Object[] {1L}),
        RowFormat.encode(StoredRow.deleted(new Stamp(Long.MAX_VALUE, 3))))));
  }
}
