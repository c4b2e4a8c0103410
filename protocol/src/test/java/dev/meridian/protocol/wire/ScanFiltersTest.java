package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.ScanFilter.Op;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScanFiltersTest {
  private static final Object[] ROW = {7L, "eu-west", null, 2.5d, new BigDecimal("10.50")};

  private static Boolean eval(ScanFilter f) {
    return ScanFilters.compile(f).test(ROW);
  }

  @Test
  void comparisonsFollowSqlIncludingNull() {
    assertEquals(Boolean.TRUE, eval(new ScanFilter.Compare(0, Op.GT, 5L)));
    assertEquals(Boolean.FALSE, eval(new ScanFilter.Compare(0, Op.LT, 7L)));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.Compare(0, Op.LE, 7L)));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.Compare(4, Op.EQ, new BigDecimal("10.5"))));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.Compare(1, Op.NE, "us")));
    assertNull(eval(new ScanFilter.Compare(2, Op.EQ, 1L)), "NULL = 1 is unknown");
    assertNull(eval(new ScanFilter.CompareColumns(0, Op.EQ, 2)));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.CompareColumns(0, Op.GT, 3)));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.IsNull(2)));
    assertEquals(Boolean.FALSE, eval(new ScanFilter.IsNull(0)));
  }

  @Test
  void inLikeAndThreeValuedLogic() {
    assertEquals(Boolean.TRUE, eval(new ScanFilter.In(1, List.of("us", "eu-west"))));
    assertEquals(Boolean.FALSE, eval(new ScanFilter.In(1, List.of())));
    assertNull(eval(new ScanFilter.In(2, List.of(1L))));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.Like(1, "eu%", "")));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.Like(1, "e_-w%t", "")));
    assertEquals(Boolean.FALSE, eval(new ScanFilter.Like(1, "EU%", "")), "LIKE is case-sensitive");
    assertEquals(Boolean.FALSE, eval(new ScanFilter.Like(1, "eu!%", "!")), "escaped % is literal");
    assertEquals(Boolean.TRUE, ScanFilters.compile(new ScanFilter.Like(0, "a.c*", ""))
        .test(new Object[] {"a.c*"}), "regex characters are literal");
    ScanFilter unknown = new ScanFilter.Compare(2, Op.EQ, 1L);
    ScanFilter yes = new ScanFilter.Compare(0, Op.EQ, 7L);
    ScanFilter no = new ScanFilter.Compare(0, Op.EQ, 8L);
    assertNull(eval(new ScanFilter.And(List.of(yes, unknown))));
    assertEquals(Boolean.FALSE, eval(new ScanFilter.And(List.of(unknown, no))));
    assertEquals(Boolean.TRUE, eval(new ScanFilter.Or(List.of(unknown, yes))));
    assertNull(eval(new ScanFilter.Or(List.of(no, unknown))));
    assertNull(eval(new ScanFilter.Not(unknown)));
    assertEquals(Boolean.FALSE, eval(new ScanFilter.Not(yes)));
    assertFalse(ScanFilters.compile(unknown).passes(ROW));
    assertTrue(ScanFilters.compile(null).passes(ROW));
  }

  @Test
  void compareLayoutMatchesTheJavadocExample() {
    ByteBuf out = Unpooled.buffer();
    ScanFilters.write(out, new ScanFilter.Compare(0, Op.GT, 5L));
    assertEquals("01000000000401" + "0000000000000005", ByteBufUtil.hexDump(out));
  }

  @Test
  void randomFiltersRoundTrip() {
    long seed = System.nanoTime();
    System.out.println("ScanFiltersTest seed " + seed);
    Random random = new Random(seed);
    for (int i = 0; i < 500; i++) {
      ScanFilter f = randomFilter(random, 0);
      ByteBuf buf = Unpooled.buffer();
      ScanFilters.write(buf, f);
      byte[] bytes = ByteBufUtil.getBytes(buf);
      ScanFilter back = ScanFilters.read(Unpooled.wrappedBuffer(bytes));
      assertEquals(Messages.describe(f), Messages.describe(back), "seed " + seed);
      ByteBuf again = Unpooled.buffer();
      ScanFilters.write(again, back);
      assertArrayEquals(bytes, ByteBufUtil.getBytes(again), "seed " + seed);
    }
  }

  @Test
  void hostileFiltersFailWithProtocolViolation() {
    ByteBuf deep = Unpooled.buffer();
    for (int i = 0; i <= ScanFilters.MAX_DEPTH; i++) {
      deep.writeByte(8);
    }
    deep.writeByte(4).writeInt(0);
    MeridianException e = assertThrows(MeridianException.class, () -> ScanFilters.read(deep));
    assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    for (byte[] bad : List.of(new byte[] {9}, new byte[] {4, (byte) 0xff, 0, 0, 0},
        new byte[] {1, 0, 0, 0, 0, 0, 0}, new byte[] {3, 0, 0, 0, 0, 0x7f, 0, 0, 0})) {
      MeridianException m = assertThrows(MeridianException.class,
          () -> ScanFilters.read(Unpooled.wrappedBuffer(bad)));
      assertEquals(SqlState.PROTOCOL_VIOLATION, m.state());
    }
  }

  private static ScanFilter randomFilter(Random r, int depth) {
    int kind = depth > 4 ? r.nextInt(5) : r.nextInt(8);
    Op op = Op.values()[r.nextInt(Op.values().length)];
    return switch (kind) {
      case 0 -> new ScanFilter.Compare(r.nextInt(10), op, randomValue(r));
      case 1 -> new ScanFilter.CompareColumns(r.nextInt(10), op, r.nextInt(10));
      case 2 -> {
        List<Object> values = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          values.add(randomValue(r));
        }
        yield new ScanFilter.In(r.nextInt(10), values);
      }
      case 3 -> new ScanFilter.IsNull(r.nextInt(10));
      case 4 -> new ScanFilter.Like(r.nextInt(10), "%" + r.nextInt(100) + "_", r.nextBoolean() ? "" : "!");
      case 5, 6 -> {
        List<ScanFilter> parts = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          parts.add(randomFilter(r, depth + 1));
        }
        yield kind == 5 ? new ScanFilter.And(parts) : new ScanFilter.Or(parts);
      }
      default -> new ScanFilter.Not(randomFilter(r, depth + 1));
    };
  }

  private static Object randomValue(Random r) {
    Object v;
    do {
      v = Messages.ALL_VALUES[r.nextInt(Messages.ALL_VALUES.length)];
    } while (v == null);
    return v;
  }
}
