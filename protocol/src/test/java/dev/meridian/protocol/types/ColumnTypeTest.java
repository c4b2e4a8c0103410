package dev.meridian.protocol.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {
  private static final ColumnType BIGINT = ColumnType.of(TypeKind.BIGINT);
  private static final ColumnType INT = ColumnType.of(TypeKind.INTEGER);
  private static final ColumnType SMALL = ColumnType.of(TypeKind.SMALLINT);

  private static SqlState failure(ColumnType t, Object v) {
    return assertThrows(MeridianException.class, () -> t.coerce(v)).state();
  }

  @Test
  void integersConvertWhenTheyFitAndFailWith22003WhenNot() {
    assertEquals(5L, BIGINT.coerce(5));
    assertEquals(5, INT.coerce(5L));
    assertEquals((short) -3, SMALL.coerce(new BigDecimal("-3")));
    assertEquals(12, INT.coerce("12"));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, failure(INT, 1L << 40));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, failure(SMALL, 40_000));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, failure(BIGINT, new BigDecimal("1e30")));
    assertEquals(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, failure(BIGINT, "twelve"));
    assertEquals(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, failure(BIGINT, new byte[1]));
    assertNull(BIGINT.coerce(null));
  }

  @Test
  void stringsAreCheckedForLengthAndCharIsPadded() {
    ColumnType v5 = ColumnType.of(TypeKind.VARCHAR, 5);
    assertEquals("abc", v5.coerce("abc"));
    assertEquals("12", v5.coerce(12));
    assertEquals(SqlState.STRING_DATA_RIGHT_TRUNCATION, failure(v5, "abcdef"));
    assertEquals("ab ", ColumnType.of(TypeKind.CHAR, 3).coerce("ab"));
    assertEquals(SqlState.STRING_DATA_RIGHT_TRUNCATION,
        failure(ColumnType.of(TypeKind.VARBINARY, 2), new byte[3]));
    assertArrayEquals(new byte[] {1}, (byte[]) ColumnType.of(TypeKind.VARBINARY, 2).coerce(new byte[] {1}));
  }

  @Test
  void decimalsAreRoundedToTheirScaleAndRangeChecked() {
    ColumnType d = ColumnType.decimal(5, 2);
    assertEquals(new BigDecimal("123.46"), d.coerce(new BigDecimal("123.456")));
    assertEquals(new BigDecimal("7.00"), d.coerce(7));
    assertEquals(new BigDecimal("0.10"), d.coerce(0.1d));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, failure(d, 1000));
    assertEquals(SqlState.SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION,
        assertThrows(MeridianException.class, () -> ColumnType.decimal(5, 6)).state());
  }

  @Test
  void datetimesParseTheirIsoFormsAndSayWhatTheyExpected() {
    assertEquals(LocalDate.of(2024, 2, 29), ColumnType.of(TypeKind.DATE).coerce("2024-02-29"));
    assertEquals(LocalDate.of(2024, 2, 29),
        ColumnType.of(TypeKind.DATE).coerce(java.sql.Date.valueOf("2024-02-29")));
    assertEquals(LocalTime.of(1, 2, 3), ColumnType.of(TypeKind.TIME).coerce("01:02:03"));
    assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 600_000_000),
        ColumnType.of(TypeKind.TIMESTAMP).coerce("2024-01-02 03:04:05.6"));
    MeridianException e = assertThrows(MeridianException.class,
        () -> ColumnType.of(TypeKind.DATE).coerce("2024-13-01"));
    assertEquals(SqlState.INVALID_DATETIME_FORMAT, e.state());
    assertTrue(e.getMessage().contains("yyyy-mm-dd"), e.getMessage());
  }

  @Test
  void booleansAndFloatingPoint() {
    ColumnType b = ColumnType.of(TypeKind.BOOLEAN);
    assertEquals(true, b.coerce("TRUE"));
    assertEquals(false, b.coerce(0));
    assertEquals(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST, failure(b, 2));
    assertEquals(1.5d, ColumnType.of(TypeKind.DOUBLE).coerce(new BigDecimal("1.5")));
    assertEquals(2.5f, ColumnType.of(TypeKind.REAL).coerce(2.5d));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, failure(ColumnType.of(TypeKind.REAL), 1e300));
  }

  @Test
  void writesAcceptWhatGettersAcceptThroughTheSharedTable() {
    // setObject(true) into numeric columns and a timestamp string into DATE, as JDBC's
    // conversion table allows and as the driver's getters read them.
    assertEquals(1.0d, ColumnType.of(TypeKind.DOUBLE).coerce(true));
    assertEquals(new BigDecimal("0.00"), ColumnType.decimal(4, 2).coerce(false));
    assertEquals(LocalDate.of(2024, 2, 29), ColumnType.of(TypeKind.DATE).coerce("2024-02-29 10:11:12"));
    assertEquals(LocalTime.of(10, 11, 12),
        ColumnType.of(TypeKind.TIME).coerce(LocalDateTime.of(2024, 2, 29, 10, 11, 12)));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, failure(ColumnType.decimal(4, 2), Double.NaN));
    assertEquals(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
        failure(ColumnType.of(TypeKind.DOUBLE), new byte[1]));
  }

  @Test
  void coercionIsIdempotentOnCanonicalValues() {
    Object[][] cases = {
        {BIGINT, 1L}, {INT, 1}, {SMALL, (short) 1}, {ColumnType.of(TypeKind.VARCHAR, 3), "a"},
        {ColumnType.decimal(4, 1), new BigDecimal("1.5")}, {ColumnType.of(TypeKind.DATE), LocalDate.EPOCH},
    };
    for (Object[] c : cases) {
      ColumnType t = (ColumnType) c[0];
      assertEquals(c[1], t.coerce(t.coerce(c[1])));
    }
  }

  @Test
  void sqlNamesAndStampsOrder() {
    assertEquals("DECIMAL(10,2)", ColumnType.decimal(10, 2).sqlName());
    assertEquals("VARCHAR(20)", ColumnType.of(TypeKind.VARCHAR, 20).sqlName());
    Stamp a = new Stamp(Stamp.hlc(100, 1), 5);
    Stamp b = new Stamp(Stamp.hlc(100, 1), 6);
    Stamp c = new Stamp(Stamp.hlc(100, 2), 0);
    assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0 && a.compareTo(c) < 0);
    assertEquals(100, c.millis());
    assertEquals(2, c.logical());
    assertEquals(Stamp.regionId("eu-west-1"), Stamp.regionId("eu-west-1"));
    assertTrue(Stamp.regionId("eu-west-1") != Stamp.regionId("us-east-1"));
  }
}
