package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnDef;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.IndexDef;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.types.TypeKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;

/** Sample messages covering every request, response and value type, for codec tests. */
final class Messages {
  private Messages() {}

  static final Object[] ALL_VALUES = {
      null, 42L, -7, (short) 3, "héllo ☃", true, false, 2.5d, 1.25f,
      new BigDecimal("-12345.6789"), LocalDate.of(2026, 11, 23), LocalTime.of(13, 14, 15, 123456789),
      LocalDateTime.of(1969, 7, 20, 20, 17, 40, 5), new byte[] {0, 1, (byte) 0xff}, "", new byte[0]
  };

  static TableSchema schema() {
    return new TableSchema(99L, "ORDERS", List.of(
        new ColumnDef("ID", ColumnType.of(TypeKind.BIGINT), false),
        new ColumnDef("REGION", ColumnType.of(TypeKind.VARCHAR, 20), false),
        new ColumnDef("AMOUNT", ColumnType.decimal(10, 2), true),
        new ColumnDef("AT", ColumnType.of(TypeKind.TIMESTAMP), true)),
        List.of(1, 0), ConflictResolution.ROW);
  }

  /** {@link #schema()} after ALTER TABLE: a dropped column, a widened one, a new one. */
  static TableSchema evolvedSchema() {
    TableSchema s = schema();
    return s.evolve("ORDERS_V2", List.of(s.column(0), s.column(1),
        s.column(2).retyped(ColumnType.decimal(12, 2)), s.column(3).asDropped(),
        new ColumnDef("AT", ColumnType.of(TypeKind.DATE), true),
        new ColumnDef("NOTE", ColumnType.of(TypeKind.VARCHAR, 10), true)));
  }

  /** {@link #evolvedSchema()} with write and read limits, one lifted in one region. */
  static TableSchema limitedSchema() {
    return evolvedSchema().withCapacity(dev.meridian.protocol.types.TableCapacity.NONE
        .with(true, "*", 1000L).with(true, "eu-west-1", 200L).with(true, "ap-south-1", 0L)
        .with(false, "*", 5000L));
  }

  /** {@link #schema()} whose rows expire at AT, with limits and the conflict log off. */
  static TableSchema ttlSchema() {
    return schema().withOptions(dev.meridian.protocol.types.TableCapacity.NONE
        .with(true, "*", 1000L), 3, false);
  }

  /** A composite index with a descending column. */
  static IndexDef index() {
    return new IndexDef("ORDERS_BY_AMOUNT", "ORDERS", 99L, List.of(new IndexDef.Key(2, true),
        new IndexDef.Key(0, false)), false);
  }

  /** A verifier with recognisable bytes. */
  static dev.meridian.protocol.auth.ScramVerifier verifier() {
    byte[] salt = new byte[16];
    byte[] stored = new byte[32];
    byte[] server = new byte[32];
    for (int i = 0; i < 32; i++) {
      stored[i] = (byte) i;
      server[i] = (byte) (100 + i);
    }
    salt[3] = 7;
    return new dev.meridian.protocol.auth.ScramVerifier(salt, 4096, stored, server);
  }

  /** A live admin, a reader with grants, and a dropped user. */
  static List<dev.meridian.protocol.auth.UserRecord> users() {
    return List.of(
        new dev.meridian.protocol.auth.UserRecord("admin", verifier(), true, java.util.Map.of(),
            new Stamp(Stamp.hlc(1_700_000_000_000L, 1), 42), false),
        new dev.meridian.protocol.auth.UserRecord("reader", verifier(), false,
            java.util.Map.of("ORDERS", 1, "*", 15), new Stamp(Stamp.hlc(1_700_000_000_001L, 0), -7),
            false),
        dev.meridian.protocol.auth.UserRecord.tombstone("gone",
            new Stamp(Stamp.hlc(1_700_000_000_002L, 9), 3)));
  }

  static List<Request> requests() {
    return List.of(
        new Request.Ping(),
        new Request.GetCatalog(),
        new Request.GetPartitions(),
        new Request.CreateTable(schema().withTableId(0), true),
        new Request.DropTable("ORDERS", false),
        new Request.AlterTable("ORDERS", evolvedSchema()),
        new Request.AlterTable("ORDERS", limitedSchema()),
        new Request.Get(99L, List.of(new Object[] {1L, "eu"}, new Object[] {2L, "us"})),
        new Request.Write(99L, WriteKind.UPSERT, List.of(
            new RowWrite(new Object[] {1L, "eu"}, new int[] {2, 3},
                new Object[] {new BigDecimal("1.50"), null}),
            new RowWrite(new Object[] {2L, "us"}, new int[0], new Object[0]))),
        new Request.Write(99L, WriteKind.INSERT, List.of(
            new RowWrite(ALL_VALUES, new int[] {0, 1}, new Object[] {ALL_VALUES[4], ALL_VALUES[11]}))),
        new Request.Write(99L, WriteKind.UPDATE, List.of(
            new RowWrite(new Object[] {1L, "eu"}, new int[] {2, 3},
                new Object[] {null, LocalDateTime.of(2026, 1, 2, 3, 4)},
                new RowExpr[] {RowExpr.Call.of(RowExpr.Fn.ADD, new RowExpr.Column(2),
                    new RowExpr.Literal(new BigDecimal("0.25"))), null},
                RowExpr.Call.of(RowExpr.Fn.EQ, new RowExpr.Column(2),
                    new RowExpr.Cast(new RowExpr.Literal("1.50"), ColumnType.decimal(10, 2)))),
            new RowWrite(new Object[] {2L, "us"}, new int[0], new Object[0], null,
                RowExpr.Call.of(RowExpr.Fn.IS_NULL, new RowExpr.Column(3))))),
        new Request.LinkHello("us-east-1"),
        new Request.SyncCatalog(List.of(schema()), List.of(5L, -9L)),
        new Request.SyncCatalog(List.of(), List.of()),
        new Request.SyncCatalog(List.of(schema()), List.of(5L), users()),
        new Request.PutUser("alice", verifier(), true, false),
        new Request.PutUser("b,=ob", verifier(), false, true),
        new Request.DropUser("alice", true),
        new Request.Grant("alice", "ORDERS", 5, false, false),
        new Request.Grant("alice", "*", 0, true, true),
        new Request.Replicate("eu-west-1", 77L, List.of(
            new ChangeRecord(99L, new byte[] {1, 2}, new byte[] {3}),
            new ChangeRecord(-1L, new byte[0], new byte[0]))),
        new Request.GetDigests(99L, List.of(0, 270), "eu-west-1"),
        new Request.GetRowHashes(99L, 5, List.of(1, 63), "us-east-1"),
        new Request.ReadSystemTable("replication_links"),
        new Request.Repair(""),
        new Request.AwaitApplied(java.util.Map.of("us-east-1", Stamp.hlc(1_700_000_000_000L, 3)),
            1000),
        new Request.AwaitApplied(java.util.Map.of(), 0),
        new Request.AwaitRows(java.util.Map.of("us-east-1", Stamp.hlc(1_700_000_000_000L, 3)),
            java.util.Map.of("us-east-1", Stamp.hlc(1_699_999_999_000L, 0)), List.of(
                new Request.WrittenRow(99L, new Object[] {7L, "eu"},
                    new Stamp(Stamp.hlc(1_700_000_000_000L, 3), 12), new int[] {2, 0}, false),
                new Request.WrittenRow(-1L, new Object[] {null}, Stamp.ZERO, new int[0], true)),
            2000),
        new Request.AwaitRows(java.util.Map.of(), java.util.Map.of(), List.of(), 0),
        new Request.LinkProgress("eu-west-1", 1_700_000_000_000L, 271, new long[] {-1L, 5L}),
        new Request.Scan(99L, new int[] {2, 0}, null, 1024),
        new Request.Scan(99L, new int[0], everyFilter(), 1),
        new Request.ScanNext(-3L, 500),
        new Request.ScanClose(Long.MAX_VALUE),
        new Request.CreateIndex(index(), true),
        new Request.CreateIndex(index().withReady(true), false),
        new Request.DropIndex("ORDERS_BY_AMOUNT", false),
        new Request.DropIndex("", true),
        new Request.GetIndexes(),
        new Request.IndexScan(99L, "ORDERS_BY_AMOUNT", new int[] {0, 2}, everyFilter(),
            new BigDecimal("1.50"), true, new BigDecimal("9.99"), false, true, 10),
        new Request.IndexScan(99L, "X", new int[0], null, null, false, null, false, false, 1));
  }

  /** A filter holding every kind of node. */
  static ScanFilter everyFilter() {
    return new ScanFilter.And(List.of(
        new ScanFilter.Compare(0, ScanFilter.Op.GE, 5L),
        new ScanFilter.CompareColumns(1, ScanFilter.Op.NE, 3),
        new ScanFilter.Or(List.of(
            new ScanFilter.In(1, List.of("eu", "us")),
            new ScanFilter.Not(new ScanFilter.IsNull(2)),
            new ScanFilter.Like(1, "e%\\_", "\\"))),
        new ScanFilter.Compare(3, ScanFilter.Op.LT, LocalDateTime.of(2026, 1, 2, 3, 4)),
        new ScanFilter.In(0, List.of())));
  }

  static List<Response> responses() {
    return List.of(
        new Response.Pong("eu-west-1", "peer-1", Stamp.hlc(1_700_000_000_000L, 3)),
        new Response.Catalog(List.of(schema(), schema().withTableId(7))),
        new Response.Catalog(List.of()),
        new Response.Partitions(List.of("127.0.0.1:7400", "", "[::1]:7401")),
        new Response.TableCreated(true, schema()),
        new Response.TableDropped(false),
        new Response.TableAltered(evolvedSchema()),
        new Response.Rows(Arrays.asList(ALL_VALUES, null, new Object[0])),
        new Response.Written(List.of(RowOutcome.applied(new Stamp(Stamp.hlc(5, 1), -3)),
            RowOutcome.notFound(), RowOutcome.duplicate(),
            RowOutcome.failed(SqlState.STRING_DATA_RIGHT_TRUNCATION, "too long"))),
        new Response.Error(SqlState.UNDEFINED_TABLE, "table id 5 was dropped"),
        new Response.LinkWelcome("ap-southeast-1", -5L),
        new Response.CatalogState(List.of(schema()), List.of(3L)),
        new Response.CatalogState(List.of(), List.of(), users()),
        new Response.UserChanged(true),
        new Response.UserChanged(false),
        new Response.Replicated(1_700_000_000_000L, 4, 1),
        new Response.Digests(List.of(new long[] {1, -2, 3}, new long[0])),
        new Response.RowHashes(new long[] {7, 8}, new long[] {-1, 0}),
        new Response.RepairDone(100_000L, 12L),
        new Response.Applied(true, java.util.Map.of("eu-west-1", 1_700_000_000_000L)),
        new Response.Applied(false, java.util.Map.of()),
        new Response.ProgressNoted(),
        new Response.ScanPage(7L, List.of(ALL_VALUES, new Object[0]), false),
        new Response.ScanPage(-1L, List.of(), true),
        new Response.IndexCreated(true, index().withReady(true)),
        new Response.IndexCreated(false, index()),
        new Response.IndexDropped(true),
        new Response.Indexes(List.of(index(), index().withTableId(-4L).withReady(true))),
        new Response.Indexes(List.of()));
  }

  /** Structural equality for messages holding arrays (records compare arrays by identity). */
  static String describe(Object message) {
    return deep(message);
  }

  private static String deep(Object o) {
    if (o == null) {
      return "null";
    }
    if (o instanceof Object[] a) {
      StringBuilder b = new StringBuilder("[");
      for (Object x : a) {
        b.append(deep(x)).append(',');
      }
      return b.append(']').toString();
    }
    if (o instanceof byte[] a) {
      return Arrays.toString(a);
    }
    if (o instanceof long[] a) {
      return Arrays.toString(a);
    }
    if (o instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (o instanceof List<?> l) {
      StringBuilder b = new StringBuilder("(");
      for (Object x : l) {
        b.append(deep(x)).append(',');
      }
      return b.append(')').toString();
    }
    if (o instanceof Record r) {
      StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('{');
      for (var c : r.getClass().getRecordComponents()) {
        try {
          b.append(c.getName()).append('=').append(deep(c.getAccessor().invoke(r))).append(';');
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
      return b.append('}').toString();
    }
    return o.getClass().getSimpleName() + ":" + o;
  }
}
