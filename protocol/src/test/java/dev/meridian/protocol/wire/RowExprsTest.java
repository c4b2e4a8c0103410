package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ColumnType;
import dev.meridian.protocol.types.TypeKind;
import dev.meridian.protocol.wire.RowExpr.Call;
import dev.meridian.protocol.wire.RowExpr.Column;
import dev.meridian.protocol.wire.RowExpr.Fn;
import dev.meridian.protocol.wire.RowExpr.Literal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RowExprsTest {
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  @Test
  void arithmeticConditionsAndFunctions() {
    Object[] row = {7L, 3, "ab", null, new BigDecimal("2.50"), 1.5d, true};
    assertEquals(8L, eval(Call.of(Fn.ADD, new Column(0), new Literal(1L)), row));
    assertEquals(2L, eval(Call.of(Fn.DIV, new Column(0), new Column(1)), row));
    assertEquals(-1L, eval(Call.of(Fn.MOD, new Literal(-7L), new Column(1)), row));
    assertEquals(new BigDecimal("9.50"), eval(Call.of(Fn.ADD, new Column(0), new Column(4)), row));
    assertEquals(8.5d, eval(Call.of(Fn.ADD, new Column(0), new Column(5)), row));
    assertEquals("abab", eval(Call.of(Fn.CONCAT, new Column(2), new Column(2)), row));
    assertEquals(null, eval(Call.of(Fn.CONCAT, new Column(2), new Column(3)), row));
    assertEquals("ab", eval(Call.of(Fn.COALESCE, new Column(3), new Column(2)), row));
    assertEquals("AB", eval(Call.of(Fn.UPPER, new Column(2)), row));
    assertEquals(2, eval(Call.of(Fn.CHAR_LENGTH, new Column(2)), row));
    assertEquals("b", eval(Call.of(Fn.SUBSTRING, new Column(2), new Literal(2L)), row));
    assertEquals("big", eval(Call.of(Fn.CASE, Call.of(Fn.GT, new Column(0), new Literal(5L)),
        new Literal("big"), new Literal("small")), row));
    assertEquals(null, eval(Call.of(Fn.CASE, Call.of(Fn.GT, new Column(3), new Literal(5L)),
        new Literal("big")), row));
    assertEquals(Boolean.TRUE, eval(Call.of(Fn.LIKE, new Column(2), new Literal("a%")), row));
    // Three-valued logic: unknown AND false is false, unknown OR true is true.
    RowExpr unknown = Call.of(Fn.EQ, new Column(3), new Literal(1L));
    assertEquals(null, eval(unknown, row));
    assertEquals(Boolean.FALSE, eval(Call.of(Fn.AND, unknown, new Literal(false)), row));
    assertEquals(Boolean.TRUE, eval(Call.of(Fn.OR, unknown, new Column(6)), row));
    assertFalse(RowExprs.holds(unknown, row));
    assertEquals(42, eval(new RowExpr.Cast(new Literal("42"), ColumnType.of(TypeKind.INTEGER)),
        row));
  }

  @Test
  void errorsHaveTheirStates() {
    Object[] row = {Long.MAX_VALUE, 0L, "x"};
    assertState(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
        Call.of(Fn.ADD, new Column(0), new Literal(1L)), row);
    assertState(SqlState.DIVISION_BY_ZERO, Call.of(Fn.DIV, new Column(0), new Column(1)), row);
    assertState(SqlState.DIVISION_BY_ZERO, Call.of(Fn.MOD, new Column(0), new Column(1)), row);
    assertState(SqlState.DATATYPE_MISMATCH, Call.of(Fn.ADD, new Column(2), new Literal(1L)), row);
    assertState(SqlState.DATATYPE_MISMATCH, Call.of(Fn.LT, new Column(2), new Literal(1L)), row);
    assertState(SqlState.DATATYPE_MISMATCH, Call.of(Fn.NOT, new Column(2)), row);
    assertState(SqlState.PROTOCOL_VIOLATION,
        new RowExpr.Param(0, ColumnType.of(TypeKind.BIGINT)), row);
    assertState(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, new RowExpr.Cast(new Column(0),
        ColumnType.of(TypeKind.INTEGER)), row);
  }

  @Test
  void bindReplacesParametersWithCoercedValues() {
    RowExpr e = Call.of(Fn.ADD, new Column(0), new RowExpr.Param(1,
        ColumnType.of(TypeKind.BIGINT)));
    RowExpr bound = RowExprs.bind(e, new Object[] {"unused", 5});
    assertEquals(Call.of(Fn.ADD, new Column(0), new Literal(5L)), bound);
    assertTrue(RowExprs.reads(bound, 0));
    assertFalse(RowExprs.reads(bound, 1));
    assertThrows(IllegalArgumentException.class, () -> RowExprs.write(Unpooled.buffer(), e));
  }

  /**
   * Random integer expressions with NULLs, evaluated by the interpreter and by an independent
   * reference in BigInteger that says where a step leaves BIGINT's range.
   */
  @Test
  void integerExpressionsMatchAnExactReference() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    int outOfRange = 0;
    int nulls = 0;
    for (int i = 0; i < 20_000; i++) {
      Object[] row = new Object[4];
      for (int c = 0; c < row.length; c++) {
        row[c] = random.nextInt(6) == 0 ? null : value(random);
      }
      RowExpr e = integerExpr(random, 4);
      Ref expected = reference(e, row);
      String where = "seed " + seed + " case " + i + ": " + e + " on "
          + java.util.Arrays.toString(row);
      if (expected.error != null) {
        outOfRange += expected.error == SqlState.NUMERIC_VALUE_OUT_OF_RANGE ? 1 : 0;
        try {
          Object got = RowExprs.eval(e, row);
          fail(where + ": expected " + expected.error + " but got " + got);
        } catch (MeridianException ex) {
          assertEquals(expected.error, ex.state(), where);
        }
      } else {
        Object got = RowExprs.eval(e, row);
        if (expected.value == null) {
          nulls++;
          assertEquals(null, got, where);
        } else {
          assertEquals(expected.value, BigInteger.valueOf(((Number) got).longValue()), where);
        }
      }
    }
    // The generator must reach the interesting cases, or the comparison proves little.
    assertTrue(outOfRange > 100, "seed " + seed + ": only " + outOfRange + " overflows");
    assertTrue(nulls > 100, "seed " + seed + ": only " + nulls + " NULL results");
  }

  @Test
  void everyExpressionRoundTripsAndEveryTruncationFails() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 2_000; i++) {
      RowExpr e = anyExpr(random, 5);
      ByteBuf buf = Unpooled.buffer();
      RowExprs.write(buf, e);
      byte[] bytes = ByteBufUtil.getBytes(buf);
      ByteBuf in = Unpooled.wrappedBuffer(bytes);
      assertEquals(Messages.describe(e), Messages.describe(RowExprs.read(in)), "seed " + seed);
      assertEquals(0, in.readableBytes());
      int cut = random.nextInt(bytes.length);
      decodeExpectingOnlyProtocolErrors(java.util.Arrays.copyOf(bytes, cut));
      byte[] flipped = bytes.clone();
      flipped[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      decodeExpectingOnlyProtocolErrors(flipped);
    }
  }

  @Test
  void deepOrHugeExpressionsAreRefused() {
    ByteBuf deep = Unpooled.buffer();
    for (int i = 0; i < RowExprs.MAX_DEPTH + 2; i++) {
      deep.writeByte(3).writeByte(Fn.NEG.ordinal()).writeInt(1);
    }
    deep.writeByte(1).writeInt(0);
    MeridianException e = assertThrows(MeridianException.class, () -> RowExprs.read(deep));
    assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    ByteBuf wide = Unpooled.buffer();
    wide.writeByte(3).writeByte(Fn.COALESCE.ordinal()).writeInt(RowExprs.MAX_NODES + 1);
    for (int i = 0; i <= RowExprs.MAX_NODES; i++) {
      wide.writeByte(1).writeInt(0);
    }
    e = assertThrows(MeridianException.class, () -> RowExprs.read(wide));
    assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
  }

  static void decodeExpectingOnlyProtocolErrors(byte[] bytes) {
    try {
      RowExpr e = RowExprs.read(Unpooled.wrappedBuffer(bytes));
      // Whatever decodes must evaluate to a value or a SQL error, never crash.
      try {
        RowExprs.eval(e, new Object[] {1L, "a", null});
      } catch (MeridianException ignored) {
        // a SQL error for a nonsensical expression is the expected outcome
      }
    } catch (MeridianException e) {
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state(), ByteBufUtil.hexDump(bytes));
    }
  }

  private static Object value(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> (long) random.nextInt(-20, 20);
      case 1 -> random.nextInt();
      case 2 -> random.nextLong();
      default -> (short) random.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1);
    };
  }

  private static final Fn[] INTEGER_FNS = {Fn.ADD, Fn.SUB, Fn.MUL, Fn.DIV, Fn.MOD, Fn.NEG,
      Fn.ABS, Fn.CASE, Fn.COALESCE, Fn.NULLIF, Fn.GREATEST, Fn.LEAST};

  private static RowExpr integerExpr(SplittableRandom random, int depth) {
    if (depth == 0 || random.nextInt(3) == 0) {
      return random.nextBoolean() ? new Column(random.nextInt(4))
          : new Literal(random.nextInt(8) == 0 ? null : value(random));
    }
    Fn fn = INTEGER_FNS[random.nextInt(INTEGER_FNS.length)];
    return switch (fn) {
      case NEG, ABS -> Call.of(fn, integerExpr(random, depth - 1));
      case CASE -> Call.of(fn, Call.of(random.nextBoolean() ? Fn.LT : Fn.GE,
          integerExpr(random, depth - 1), integerExpr(random, depth - 1)),
          integerExpr(random, depth - 1), integerExpr(random, depth - 1));
      default -> Call.of(fn, integerExpr(random, depth - 1), integerExpr(random, depth - 1));
    };
  }

  /** A reference result: a value (null for NULL) or the error state a step raises. */
  private record Ref(BigInteger value, SqlState error) {
    static Ref of(BigInteger v) {
      if (v != null && (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0)) {
        return new Ref(null, SqlState.NUMERIC_VALUE_OUT_OF_RANGE);
      }
      return new Ref(v, null);
    }
  }

  private static Ref reference(RowExpr e, Object[] row) {
    if (e instanceof Column c) {
      return Ref.of(row[c.index()] == null ? null : BigInteger.valueOf(((Number) row[c.index()])
          .longValue()));
    } else if (e instanceof Literal l) {
      return Ref.of(l.value() == null ? null : BigInteger.valueOf(((Number) l.value())
          .longValue()));
    }
    Call call = (Call) e;
    if (call.fn() == Fn.CASE) {
      Call test = (Call) call.args().get(0);
      Ref a = reference(test.args().get(0), row);
      if (a.error != null) {
        return a;
      }
      Ref b = reference(test.args().get(1), row);
      if (b.error != null) {
        return b;
      }
      boolean holds = a.value != null && b.value != null
          && (test.fn() == Fn.LT ? a.value.compareTo(b.value) < 0 : a.value.compareTo(b.value) >= 0);
      return reference(call.args().get(holds ? 1 : 2), row);
    }
    if (call.fn() == Fn.COALESCE) {
      for (RowExpr arg : call.args()) {
        Ref r = reference(arg, row);
        if (r.error != null || r.value != null) {
          return r;
        }
      }
      return new Ref(null, null);
    }
    List<BigInteger> v = new ArrayList<>();
    for (RowExpr arg : call.args()) {
      Ref r = reference(arg, row);
      if (r.error != null) {
        return r;
      }
      v.add(r.value);
    }
    if (call.fn() == Fn.NULLIF) {
      return new Ref(v.get(0) != null && v.get(0).equals(v.get(1)) ? null : v.get(0), null);
    }
    if (v.contains(null)) {
      return new Ref(null, null);
    }
    BigInteger a = v.get(0);
    BigInteger b = v.size() > 1 ? v.get(1) : null;
    return switch (call.fn()) {
      case ADD -> Ref.of(a.add(b));
      case SUB -> Ref.of(a.subtract(b));
      case MUL -> Ref.of(a.multiply(b));
      case DIV -> b.signum() == 0 ? new Ref(null, SqlState.DIVISION_BY_ZERO) : Ref.of(a.divide(b));
      case MOD -> b.signum() == 0 ? new Ref(null, SqlState.DIVISION_BY_ZERO) : Ref.of(a.remainder(b));
      case NEG -> Ref.of(a.negate());
      case ABS -> Ref.of(a.abs());
      case GREATEST -> Ref.of(a.max(b));
      case LEAST -> Ref.of(a.min(b));
      default -> throw new IllegalStateException(call.fn().name());
    };
  }

  private static RowExpr anyExpr(SplittableRandom random, int depth) {
    if (depth == 0 || random.nextInt(3) == 0) {
      return switch (random.nextInt(3)) {
        case 0 -> new Column(random.nextInt(10));
        case 1 -> new Literal(Messages.ALL_VALUES[random.nextInt(Messages.ALL_VALUES.length)]);
        default -> new RowExpr.Cast(new Literal("1"), ColumnType.decimal(10, 2));
      };
    }
    Fn fn = Fn.values()[random.nextInt(Fn.values().length)];
    int n = Math.max(fn.minArgs, Math.min(fn.maxArgs, 1 + random.nextInt(3)));
    List<RowExpr> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      args.add(anyExpr(random, depth - 1));
    }
    return new Call(fn, args);
  }

  private static Object eval(RowExpr e, Object[] row) {
    return RowExprs.eval(e, row);
  }

  private static void assertState(SqlState state, RowExpr e, Object[] row) {
    MeridianException ex = assertThrows(MeridianException.class, () -> RowExprs.eval(e, row));
    assertEquals(state, ex.state(), ex.getMessage());
  }
}
