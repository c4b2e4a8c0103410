package dev.meridian.protocol.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which definitions may follow which: what keeps stored cells readable under every version. */
class SchemaEvolutionTest {
  private static final ColumnType BIGINT = ColumnType.of(TypeKind.BIGINT);

  private static TableSchema base() {
    return new TableSchema(7, "T", List.of(
        new ColumnDef("ID", BIGINT, false),
        new ColumnDef("NAME", ColumnType.of(TypeKind.VARCHAR, 10), true),
        new ColumnDef("PRICE", ColumnType.decimal(8, 2), true),
        new ColumnDef("N", ColumnType.of(TypeKind.INTEGER), true)), List.of(0),
        ConflictResolution.CELL);
  }

  private static List<ColumnDef> columns(TableSchema s) {
    return new ArrayList<>(s.columns());
  }

  @Test
  void legalStepsPass() {
    TableSchema t = base();
    List<ColumnDef> c = columns(t);
    c.add(new ColumnDef("EXTRA", BIGINT, true));
    c.set(1, c.get(1).renamed("FULL_NAME").retyped(ColumnType.of(TypeKind.VARCHAR, 30)));
    c.set(2, c.get(2).retyped(ColumnType.decimal(12, 2)));
    c.set(3, c.get(3).asDropped());
    TableSchema next = t.evolve("T2", c);
    assertNull(SchemaEvolution.problem(t, next));
    assertEquals(2, next.version());
    assertEquals(-1, next.columnIndex("N"), "a dropped column is not found by name");
    // Its name is free again, under a new id.
    List<ColumnDef> again = columns(next);
    again.add(new ColumnDef("N", BIGINT, true));
    TableSchema third = next.evolve("T2", again);
    assertNull(SchemaEvolution.problem(next, third));
    assertEquals(5, third.columnIndex("N"));
  }

  @Test
  void illegalStepsSayWhy() {
    TableSchema t = base();
    List<ColumnDef> narrowed = columns(t);
    narrowed.set(1, narrowed.get(1).retyped(ColumnType.of(TypeKind.VARCHAR, 5)));
    assertTrue(SchemaEvolution.problem(t, t.evolve("T", narrowed)).contains("widening"));
    List<ColumnDef> rescaled = columns(t);
    rescaled.set(2, rescaled.get(2).retyped(ColumnType.decimal(12, 3)));
    assertNotNull(SchemaEvolution.problem(t, t.evolve("T", rescaled)));
    List<ColumnDef> retyped = columns(t);
    retyped.set(3, retyped.get(3).retyped(BIGINT));
    assertNotNull(SchemaEvolution.problem(t, t.evolve("T", retyped)),
        "INTEGER to BIGINT would change the stored Java class");
    List<ColumnDef> shorter = columns(t).subList(0, 3);
    assertTrue(SchemaEvolution.problem(t, t.evolve("T", shorter)).contains("disappear"));
    List<ColumnDef> notNull = columns(t);
    notNull.add(new ColumnDef("X", BIGINT, false));
    assertTrue(SchemaEvolution.problem(t, t.evolve("T", notNull)).contains("NOT NULL"));
    assertTrue(SchemaEvolution.problem(t, t.evolve("T", columns(t)).evolve("T", columns(t)))
        .contains("version"), "a version may not be skipped");
    assertNotNull(SchemaEvolution.problem(t, base().withTableId(8).evolve("T", columns(t))));
    List<ColumnDef> dropped = columns(t);
    dropped.set(1, dropped.get(1).asDropped());
    TableSchema afterDrop = t.evolve("T", dropped);
    assertTrue(SchemaEvolution.problem(afterDrop, afterDrop.evolve("T", columns(t)))
        .contains("cannot come back"));
  }

  @Test
  void aKeyColumnCannotBeDroppedAndTwoLiveColumnsCannotShareAName() {
    List<ColumnDef> c = columns(base());
    c.set(0, c.get(0).asDropped());
    assertThrows(IllegalArgumentException.class, () -> base().evolve("T", c));
    List<ColumnDef> twice = columns(base());
    twice.add(new ColumnDef("NAME", BIGINT, true));
    assertThrows(IllegalArgumentException.class, () -> base().evolve("T", twice));
  }

  @Test
  void wideningIsReflexiveAndOneWay() {
    ColumnType v10 = ColumnType.of(TypeKind.VARCHAR, 10);
    ColumnType v20 = ColumnType.of(TypeKind.VARCHAR, 20);
    assertTrue(v10.widensTo(v10));
    assertTrue(v10.widensTo(v20));
    assertFalse(v20.widensTo(v10));
    assertFalse(v10.widensTo(ColumnType.of(TypeKind.CHAR, 20)));
    assertTrue(ColumnType.of(TypeKind.VARBINARY, 4).widensTo(ColumnType.of(TypeKind.VARBINARY, 8)));
  }
}
