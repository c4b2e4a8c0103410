package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.auth.Scram;
import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.Request;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogCheckTest {
  static final long NOW = 1_700_000_000_000L;
  static final int US = Stamp.regionId("us-east-1");
  static final int EU = Stamp.regionId("eu-west-1");
  static final Set<Integer> KNOWN = Set.of(US, EU);

  static TableSchema table(long id, String name) {
    return new TableSchema(id, name, List.of(new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT),
        false)), List.of(0), ConflictResolution.CELL);
  }

  static UserRecord user(String name, long millis, int origin) {
    return new UserRecord(name, Scram.verifier("pw", new byte[16], 4096), false, Map.of(),
        new Stamp(Stamp.hlc(millis, 0), origin), false);
  }

  static String problem(List<TableSchema> tables, List<Long> dropped, List<UserRecord> users) {
    return CatalogCheck.problem(new Request.SyncCatalog(tables, dropped, users), KNOWN, NOW);
  }

  @Test
  void anOrdinaryCatalogPasses() {
    assertNull(problem(List.of(table(77, "A"), table(-5_000_000_000L, "B")), List.of(12L, -9_999L),
        List.of(user("x", NOW + 1000, US), user("y", NOW - 100_000, EU),
            UserRecord.tombstone("z", new Stamp(Stamp.hlc(NOW, 1), EU)))));
  }

  @Test
  void whatNoRegionCouldHaveSentIsRefused() {
    assertContains(problem(List.of(table(0, "A")), List.of(), List.of()), "reserved id");
    assertContains(problem(List.of(table(-3, "A")), List.of(), List.of()), "reserved id");
    assertContains(problem(List.of(table(5, "A"), table(6, "A")), List.of(), List.of()),
        "named twice");
    assertContains(problem(List.of(), List.of(0L), List.of()), "reserved id");
    assertContains(problem(List.of(), List.of(), List.of(user("x", NOW, US), user("x", NOW, EU))),
        "sent twice");
    assertContains(problem(List.of(), List.of(), List.of(user("x", NOW, Stamp.regionId("mars")))),
        "does not replicate with");
    assertContains(problem(List.of(), List.of(), List.of(user("x", NOW + 2 * 86_400_000L, US))),
        "more than a day ahead");
  }

  private static void assertContains(String problem, String part) {
    assertTrue(problem != null && problem.contains(part), problem);
  }
}
