package dev.meridian.protocol.error;

/**
 * The five-character SQLStates Meridian reports, in one place (pgjdbc's {@code PSQLState}).
 *
 * <p>The class (first two characters) decides the JDBC exception subclass the driver throws;
 * see the driver's {@code SqlExceptions}. Codes travel on the wire as their five characters.
 */
public enum SqlState {
  /** {@code 01000}: a warning. */
  WARNING("01000"),
  /** {@code 08001}: no peer answered within the connect timeout. */
  CONNECTION_UNABLE_TO_CONNECT("08001"),
  /** {@code 08003}: the connection is closed. */
  CONNECTION_DOES_NOT_EXIST("08003"),
  /** {@code 08006}: the connection failed while in use. */
  CONNECTION_FAILURE("08006"),
  /** {@code 08P01}: the other side broke the protocol. */
  PROTOCOL_VIOLATION("08P01"),
  /** {@code 0A000}: a feature Meridian does not support. */
  FEATURE_NOT_SUPPORTED("0A000"),
  /** {@code 21000}: a point query matched more than one row where one was expected. */
  CARDINALITY_VIOLATION("21000"),
  /** {@code 22001}: a string or binary value is longer than its column allows. */
  STRING_DATA_RIGHT_TRUNCATION("22001"),
  /** {@code 22003}: a number is out of its column's range. */
  NUMERIC_VALUE_OUT_OF_RANGE("22003"),
  /** {@code 22004}: NULL where it is not allowed (a key column). */
  NULL_VALUE_NOT_ALLOWED("22004"),
  /** {@code 22007}: a date, time or timestamp that cannot be read. */
  INVALID_DATETIME_FORMAT("22007"),
  /** {@code 22012}: division by zero in a computed value. */
  DIVISION_BY_ZERO("22012"),
  /** {@code 22018}: a value that cannot be converted to its column's type. */
  INVALID_CHARACTER_VALUE_FOR_CAST("22018"),
  /** {@code 22023}: a parameter or option with an invalid value. */
  INVALID_PARAMETER_VALUE("22023"),
  /** {@code 23502}: NULL in a NOT NULL or key column. */
  NOT_NULL_VIOLATION("23502"),
  /** {@code 23505}: the key already exists. */
  UNIQUE_VIOLATION("23505"),
  /**
   * {@code 23M01}: the row may not live in the region that was asked to store it (a data
   * residency rule of the routing config pins it to other regions); write it in one of the
   * regions the message names.
   */
  RESIDENCY_VIOLATION("23M01"),
  /** {@code 25000}: an operation not allowed in the current transaction state. */
  INVALID_TRANSACTION_STATE("25000"),
  /** {@code 25001}: not allowed while the transaction has pending writes. */
  ACTIVE_SQL_TRANSACTION("25001"),
  /** {@code 25006}: a write on a read-only connection. */
  READ_ONLY_SQL_TRANSACTION("25006"),
  /** {@code 28000}: credentials were refused. */
  INVALID_AUTHORIZATION("28000"),
  /**
   * {@code 28P01}: the user name or password is wrong (SCRAM-SHA-256 failed); the peer answers
   * repeated failures from one address more and more slowly.
   */
  INVALID_PASSWORD("28P01"),
  /** {@code 42501}: the user lacks the privilege the statement needs (the message names it). */
  INSUFFICIENT_PRIVILEGE("42501"),
  /** {@code 42000}: an SQL syntax error. */
  SYNTAX_ERROR("42000"),
  /** {@code 42601}: a statement that parses but is malformed (e.g. no primary key). */
  SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION("42601"),
  /** {@code 42703}: an unknown column. */
  UNDEFINED_COLUMN("42703"),
  /** {@code 42704}: an unknown type name. */
  UNDEFINED_OBJECT("42704"),
  /** {@code 42701}: a column named twice. */
  DUPLICATE_COLUMN("42701"),
  /** {@code 42P01}: an unknown table. */
  UNDEFINED_TABLE("42P01"),
  /** {@code 42710}: an object (a user) that already exists. */
  DUPLICATE_OBJECT("42710"),
  /** {@code 42P07}: a table that already exists. */
  DUPLICATE_TABLE("42P07"),
  /**
   * {@code 42P16}: a table definition that may not be, such as an {@code ALTER TABLE} that
   * would drop a key column.
   */
  INVALID_TABLE_DEFINITION("42P16"),
  /** {@code 2BP01}: an object others depend on, such as a column an index covers. */
  DEPENDENT_OBJECTS_STILL_EXIST("2BP01"),
  /** {@code 42804}: a value of the wrong type for its column. */
  DATATYPE_MISMATCH("42804"),
  /**
   * {@code 42809}: an operation that the object's kind does not allow, such as assigning a
   * COUNTER column anything but {@code c + n} or {@code c - n}.
   */
  WRONG_OBJECT_TYPE("42809"),
  /** {@code 42P18}: the type of a {@code ?} parameter cannot be told from where it stands. */
  INDETERMINATE_DATATYPE("42P18"),
  /** {@code 07001}: wrong number of parameters bound. */
  WRONG_PARAMETER_COUNT("07001"),
  /** {@code 07009}: a parameter or column index out of range. */
  INVALID_DESCRIPTOR_INDEX("07009"),
  /** {@code 24000}: a result set used after it was closed or before its first row. */
  INVALID_CURSOR_STATE("24000"),
  /** {@code 40001}: the operation lost a race and may be retried. */
  SERIALIZATION_FAILURE("40001"),
  /** {@code 53000}: the peer is out of a resource (memory, in-flight requests). */
  INSUFFICIENT_RESOURCES("53000"),
  /**
   * {@code 53100}: the peer's data directory is full (or cannot be written); the write was not
   * applied. Reads are still served; retry once space is freed.
   */
  DISK_FULL("53100"),
  /**
   * {@code 53M01}: the statement would exceed the capacity its table allows the applications of
   * the serving region (rows written or read per second, see {@code ALTER TABLE … SET
   * (write_capacity = …)}); nothing of the row it names was applied. The message names the
   * table, the limit and when to retry. Retry after the hint in the same region: another region
   * would only move the load, and the driver does not fail over on it.
   */
  CAPACITY_EXCEEDED("53M01"),
  /**
   * {@code 57P03}: the region is not serving yet (it restarted empty and is being backfilled by
   * the other regions); retry later or use another region.
   */
  REGION_NOT_READY("57P03"),
  /**
   * {@code 57M01}: session consistency cannot be kept: no region the statement may use has
   * applied this connection's earlier writes within the session wait (for example, the home
   * region died before they reached any other region). Retry later, once the writes' region is
   * back, or accept older data with {@code consistency=eventual} or a reset session token.
   */
  SESSION_BEHIND("57M01"),
  /** {@code 58030}: a file could not be read or written (e.g. a configuration file). */
  IO_ERROR("58030"),
  /** {@code 57014}: the statement was cancelled. */
  QUERY_CANCELED("57014"),
  /** {@code HYT00}: a timeout expired. */
  TIMEOUT("HYT00"),
  /** {@code XX000}: an internal error; always a bug. */
  INTERNAL_ERROR("XX000");

  private final String code;

  SqlState(String code) {
    this.code = code;
  }

  /** The five-character code. */
  public String code() {
    return code;
  }

  /** The two-character class of the code. */
  public String sqlClass() {
    return code.substring(0, 2);
  }

  /** Finds the constant for a code, or {@link #INTERNAL_ERROR} for a code Meridian does not use. */
  public static SqlState of(String code) {
    for (SqlState s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    return INTERNAL_ERROR;
  }
}
