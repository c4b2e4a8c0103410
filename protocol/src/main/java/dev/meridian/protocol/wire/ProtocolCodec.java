package dev.meridian.protocol.wire;

import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Frames.Hello;
import dev.meridian.protocol.wire.Frames.RequestFrame;
import dev.meridian.protocol.wire.Frames.ResponseFrame;
import dev.meridian.protocol.wire.Frames.Welcome;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure encoding of the driver protocol: message in, bytes out, and back. No sockets, no state,
 * so it is round-trip tested and fuzzed directly. Thread-safe.
 *
 * <h2>Framing</h2>
 * Every frame on a connection is a big-endian {@code int} length followed by that many bytes
 * (the length excludes itself; at most the configured maximum frame size). The first frame
 * each way is the handshake; every later frame is a request (client to peer) or a response.
 *
 * <pre>
 * Hello    : int magic 0x4D52444E ("MRDN") on the driver port, 0x4D52444C ("MRDL") on the
 *            link port ({@link PortRole}), short version, string client, and with
 *            credentials: byte 1, string user, string SCRAM client-first message
 * Welcome  : int magic, short version, byte kind, then by kind:
 *            1 accepted: string region, string peer, [string SCRAM server-final]
 *            0 refused (08001): string reason
 *            3 refused: string sqlstate, string reason (28P01: wrong password)
 *            2 SCRAM challenge: string server-first message
 * ScramFinal: int magic, string SCRAM client-final message (the client's answer to kind 2,
 *            answered by another Welcome)
 * Request  : int requestId, byte opcode, body
 * Response : int requestId, byte opcode, byte flags (bit 0: MORE frames follow), body
 * </pre>
 *
 * <h2>Bodies</h2>
 * Strings are {@code int length + UTF-8}; values are {@link Values}; schemas and stamps are
 * {@link Schemas}; counts are {@code int}.
 * <pre>
 * 0x01 Ping         (empty)                      0x81 Pong    string region, string peer, long hlc
 * 0x02 GetCatalog   (empty)                      0x82 Catalog int n, n schemas
 * 0x03 CreateTable  byte ifNotExists, schema     0x83 TableCreated byte created, schema
 * 0x04 DropTable    byte ifExists, string name   0x84 TableDropped byte dropped
 * 0x05 GetPartitions (empty)                     0x85 Partitions int n, n x string owner
 * 0x06 AwaitApplied int n, n x (string origin,   0x86 Applied byte satisfied, int n,
 *                   long hlc), int waitMillis             n x (string origin, long millis)
 * 0x07 CreateIndex  byte ifNotExists, index      0x87 IndexCreated byte created, index
 * 0x08 DropIndex    byte ifExists, string name   0x88 IndexDropped byte dropped
 * 0x09 GetIndexes   (empty)                      0x89 Indexes int n, n indexes
 * 0x0A AwaitRows    as AwaitApplied's origins,   0x86 Applied (as above)
 *                   then the floors likewise, int r, r x (long tableId, key, stamp,
 *                   byte delete, int c, c x int column), int waitMillis
 * 0x0B AlterTable   string name, schema next     0x8B TableAltered schema
 * (index = {@link IndexDefs}' layout)
 * 0x0C PutUser      string name, byte create,    0x8C UserChanged byte changed
 *                   byte ifNotExists, bytes salt,     (answers PutUser, DropUser and Grant)
 *                   int iterations, bytes storedKey, bytes serverKey
 * 0x0D DropUser     byte ifExists, string name
 * 0x0E Grant        string user, string table, byte privilegeBits, byte admin, byte revoke
 * 0x10 Get          long tableId, int n, n keys  0x90 Rows    int n, n x (byte present,
 *                   (key = int k, k values)                     [int c, c values])
 * 0x11 Write        long tableId, byte kind,     0x91 Written int n, n outcomes
 *                   int n, n rows                (outcome = byte status, then a stamp when
 *                   (row = int k, k key values,  APPLIED, or string sqlstate + string message
 *                   int c, c x (int column,      when DUPLICATE or FAILED)
 *                   value))
 * 0x12 Write that   as 0x11, but each cell is    0x91 Written (as above)
 *      reads its    (int column, byte computed,
 *      row          value when 0 or {@link RowExprs} expression when 1), and each row
 *                   ends with byte hasCondition, [condition expression]
 * 0x20 Scan         long tableId, int c, c x int 0xA0 ScanPage long scanId, byte last,
 *                   column, byte hasFilter,                 int n, n x (int c, c values)
 *                   [filter], int pageRows       (answers Scan, ScanNext and ScanClose)
 * 0x21 ScanNext     long scanId, int pageRows
 * 0x22 ScanClose    long scanId
 * 0x23 IndexScan    long tableId, string index,  0x90 Rows (as for Get)
 *                   int c, c x int column, byte hasFilter, [filter], value low,
 *                   byte lowInclusive, value high, byte highInclusive, byte reverse,
 *                   int limit
 * (filter = {@link ScanFilters}' layout)
 *
 * Between regions, taken only on the link port (the driver port refuses them, {@link PortRole}):
 * 0x30 LinkHello    string fromRegion            0xB0 LinkWelcome string region, long epoch
 * 0x31 SyncCatalog  int n, n schemas, int d,     0xB1 CatalogState (same body)
 *                   d x long droppedId, [int u, u x user ({@link dev.meridian.protocol.auth.UserRecords})]
 *                   d x long droppedId
 * 0x32 Replicate    string origin, long epoch,   0xB2 Replicated long appliedAtMillis,
 *                   int n, n x (long tableId,                int conflicts, int skew
 *                   bytes key, bytes row)
 * 0x33 GetDigests   long tableId, int n, n x int 0xB3 Digests int n, n x (int b, b x long)
 *                   string fromRegion
 * 0x34 GetRowHashes long tableId, int partition, 0xB4 RowHashes int n, n x long keyHash,
 *                   int n, n x int bucket,                   n x long rowHash
 *                   string fromRegion
 * 0x35 ReadSystemTable string name               0x90 Rows (as for Get)   (both ports)
 * 0x36 Repair       string targetRegion          0xB6 RepairDone long compared, long shipped
 *                   (an operator's request: driver port only)
 * 0x37 LinkProgress string origin, long millis,  0xB7 ProgressNoted (empty)
 *                   int partitions, int n, n x long bits
 *                                                0xFF Error   string sqlstate, string message
 * </pre>
 * (bytes = int length + that many bytes.)
 * Example: request 7, Ping, is the frame {@code 00 00 00 05 | 00 00 00 07 | 01}.
 *
 * <p>Opcodes 0x24-0x2F are reserved for more scan requests. Unknown opcodes and
 * malformed bodies fail with a {@code 08P01} {@link dev.meridian.protocol.error.MeridianException}.
 */
public final class ProtocolCodec {
  /** "MRDN". */
  public static final int MAGIC = 0x4D52444E;
  /** The protocol version this code speaks. */
  public static final int VERSION = 1;
  /** Flag bit: more frames follow for this request id. */
  public static final int FLAG_MORE = 1;

  static final byte PING = 0x01;
  static final byte GET_CATALOG = 0x02;
  static final byte CREATE_TABLE = 0x03;
  static final byte DROP_TABLE = 0x04;
  static final byte GET_PARTITIONS = 0x05;
  static final byte AWAIT_APPLIED = 0x06;
  static final byte CREATE_INDEX = 0x07;
  static final byte DROP_INDEX = 0x08;
  static final byte GET_INDEXES = 0x09;
  static final byte AWAIT_ROWS = 0x0A;
  static final byte ALTER_TABLE = 0x0B;
  static final byte PUT_USER = 0x0C;
  static final byte DROP_USER = 0x0D;
  static final byte GRANT = 0x0E;
  static final byte GET = 0x10;
  static final byte WRITE = 0x11;
  static final byte WRITE_READING = 0x12;
  static final byte SCAN = 0x20;
  static final byte SCAN_NEXT = 0x21;
  static final byte SCAN_CLOSE = 0x22;
  static final byte INDEX_SCAN = 0x23;
  static final byte LINK_HELLO = 0x30;
  static final byte SYNC_CATALOG = 0x31;
  static final byte REPLICATE = 0x32;
  static final byte GET_DIGESTS = 0x33;
  static final byte GET_ROW_HASHES = 0x34;
  static final byte READ_SYSTEM_TABLE = 0x35;
  static final byte REPAIR = 0x36;
  static final byte LINK_PROGRESS = 0x37;
  static final byte REPLY = (byte) 0x80;
  static final byte ERROR = (byte) 0xFF;

  private ProtocolCodec() {}

  // ---- handshake ----

  /** Encodes the client's hello for the driver port. */
  public static void encodeHello(Hello hello, ByteBuf out) {
    encodeHello(hello, PortRole.DRIVER, out);
  }

  /** Encodes the client's hello for a port of the given role (its magic first). */
  public static void encodeHello(Hello hello, PortRole port, ByteBuf out) {
    out.writeInt(port.magic()).writeShort(hello.version());
    Values.writeString(out, hello.client());
    if (hello.user() != null) {
      out.writeByte(1);
      Values.writeString(out, hello.user());
      Values.writeString(out, hello.scramFirst());
    }
  }

  /** Decodes a hello sent to the driver port; a wrong magic fails with {@code 08P01}. */
  public static Hello decodeHello(ByteBuf in) {
    return decodeHello(in, PortRole.DRIVER);
  }

  /**
   * Decodes a hello sent to a port of the given role; another port's magic (a client that
   * dialled the wrong port) or any other wrong magic fails with {@code 08P01}.
   */
  public static Hello decodeHello(ByteBuf in, PortRole port) {
    checkMagic(in, port);
    int version = Values.need(in, 2).readUnsignedShort();
    String client = Values.readString(in);
    if (!in.isReadable()) {
      return new Hello(version, client);
    }
    if (Values.readByte(in) != 1) {
      throw Values.corrupt("hello credentials flag");
    }
    String user = Values.readString(in);
    Hello hello = new Hello(version, client, user, Values.readString(in));
    expectEnd(in);
    return hello;
  }

  /** Encodes the client's answer to a SCRAM challenge. */
  public static void encodeScramFinal(Frames.ScramFinal message, PortRole port, ByteBuf out) {
    out.writeInt(port.magic());
    Values.writeString(out, message.message());
  }

  /** Decodes the client's answer to a SCRAM challenge; malformed input fails with {@code 08P01}. */
  public static Frames.ScramFinal decodeScramFinal(ByteBuf in, PortRole port) {
    checkMagic(in, port);
    Frames.ScramFinal f = new Frames.ScramFinal(Values.readString(in));
    expectEnd(in);
    return f;
  }

  /** Encodes the driver port's welcome. */
  public static void encodeWelcome(Welcome w, ByteBuf out) {
    encodeWelcome(w, PortRole.DRIVER, out);
  }

  /** Encodes the welcome of a port of the given role. */
  public static void encodeWelcome(Welcome w, PortRole port, ByteBuf out) {
    out.writeInt(port.magic()).writeShort(w.version());
    if (w.challenge() != null) {
      out.writeByte(2);
      Values.writeString(out, w.challenge());
    } else if (w.error() == null) {
      out.writeByte(1);
      Values.writeString(out, w.region());
      Values.writeString(out, w.peer());
      if (w.scramFinal() != null) {
        Values.writeString(out, w.scramFinal());
      }
    } else if (w.errorState() == null) {
      out.writeByte(0);
      Values.writeString(out, w.error());
    } else {
      out.writeByte(3);
      Values.writeString(out, w.errorState().code());
      Values.writeString(out, w.error());
    }
  }

  /** Decodes the driver port's welcome. */
  public static Welcome decodeWelcome(ByteBuf in) {
    return decodeWelcome(in, PortRole.DRIVER);
  }

  /** Decodes the welcome of a port of the given role. */
  public static Welcome decodeWelcome(ByteBuf in, PortRole port) {
    checkMagic(in, port);
    int version = Values.need(in, 2).readUnsignedShort();
    byte kind = Values.readByte(in);
    return switch (kind) {
      case 1 -> {
        String region = Values.readString(in);
        String peer = Values.readString(in);
        String scramFinal = in.isReadable() ? Values.readString(in) : null;
        yield new Welcome(version, region, peer, null, null, null, scramFinal);
      }
      case 2 -> Welcome.challenge(version, Values.readString(in));
      case 3 -> {
        SqlState state = readState(in);
        yield Welcome.refused(version, state, Values.readString(in));
      }
      case 0 -> new Welcome(version, null, null, Values.readString(in));
      default -> throw Values.corrupt("welcome kind " + kind);
    };
  }

  private static void checkMagic(ByteBuf in, PortRole port) {
    int magic = Values.need(in, 4).readInt();
    if (magic == port.magic()) {
      return;
    }
    for (PortRole other : PortRole.values()) {
      if (magic == other.magic()) {
        throw Values.corrupt("a " + other.name().toLowerCase(java.util.Locale.ROOT)
            + " connection on the " + port.name().toLowerCase(java.util.Locale.ROOT)
            + " port: connect to the peer's " + (other == PortRole.LINK ? "linkPort" : "clientPort"));
      }
    }
    throw Values.corrupt("bad magic 0x" + Integer.toHexString(magic) + ", not a Meridian client");
  }

  // ---- requests ----

  /** Encodes a request frame (without the length prefix). */
  public static void encodeRequest(RequestFrame frame, ByteBuf out) {
    out.writeInt(frame.requestId());
    Request r = frame.request();
    if (r instanceof Request.Ping) {
      out.writeByte(PING);
    } else if (r instanceof Request.GetCatalog) {
      out.writeByte(GET_CATALOG);
    } else if (r instanceof Request.GetPartitions) {
      out.writeByte(GET_PARTITIONS);
    } else if (r instanceof Request.CreateTable c) {
      out.writeByte(CREATE_TABLE).writeByte(c.ifNotExists() ? 1 : 0);
      Schemas.write(out, c.schema());
    } else if (r instanceof Request.DropTable d) {
      out.writeByte(DROP_TABLE).writeByte(d.ifExists() ? 1 : 0);
      Values.writeString(out, d.name());
    } else if (r instanceof Request.AlterTable a) {
      out.writeByte(ALTER_TABLE);
      Values.writeString(out, a.name());
      Schemas.write(out, a.next());
    } else if (r instanceof Request.Get g) {
      out.writeByte(GET).writeLong(g.tableId()).writeInt(g.keys().size());
      for (Object[] key : g.keys()) {
        writeValues(out, key);
      }
    } else if (r instanceof Request.Write w) {
      boolean reading = w.rows().stream().anyMatch(RowWrite::readsRow);
      out.writeByte(reading ? WRITE_READING : WRITE).writeLong(w.tableId())
          .writeByte(w.kind().ordinal());
      out.writeInt(w.rows().size());
      for (RowWrite row : w.rows()) {
        writeValues(out, row.key());
        out.writeInt(row.columns().length);
        for (int i = 0; i < row.columns().length; i++) {
          out.writeInt(row.columns()[i]);
          RowExpr computed = row.computed() == null ? null : row.computed()[i];
          if (reading) {
            out.writeByte(computed == null ? 0 : 1);
          }
          if (computed == null) {
            Values.write(out, row.values()[i]);
          } else {
            RowExprs.write(out, computed);
          }
        }
        if (reading) {
          out.writeByte(row.condition() == null ? 0 : 1);
          if (row.condition() != null) {
            RowExprs.write(out, row.condition());
          }
        }
      }
    } else if (r instanceof Request.Scan scan) {
      out.writeByte(SCAN).writeLong(scan.tableId()).writeInt(scan.columns().length);
      for (int c : scan.columns()) {
        out.writeInt(c);
      }
      out.writeByte(scan.filter() == null ? 0 : 1);
      if (scan.filter() != null) {
        ScanFilters.write(out, scan.filter());
      }
      out.writeInt(scan.pageRows());
    } else if (r instanceof Request.ScanNext next) {
      out.writeByte(SCAN_NEXT).writeLong(next.scanId()).writeInt(next.pageRows());
    } else if (r instanceof Request.ScanClose close) {
      out.writeByte(SCAN_CLOSE).writeLong(close.scanId());
    } else if (r instanceof Request.CreateIndex c) {
      out.writeByte(CREATE_INDEX).writeByte(c.ifNotExists() ? 1 : 0);
      IndexDefs.write(out, c.index());
    } else if (r instanceof Request.DropIndex d) {
      out.writeByte(DROP_INDEX).writeByte(d.ifExists() ? 1 : 0);
      Values.writeString(out, d.name());
    } else if (r instanceof Request.GetIndexes) {
      out.writeByte(GET_INDEXES);
    } else if (r instanceof Request.PutUser u) {
      out.writeByte(PUT_USER);
      Values.writeString(out, u.name());
      out.writeByte(u.create() ? 1 : 0).writeByte(u.ifNotExists() ? 1 : 0);
      writeBytes(out, u.verifier().salt());
      out.writeInt(u.verifier().iterations());
      writeBytes(out, u.verifier().storedKey());
      writeBytes(out, u.verifier().serverKey());
    } else if (r instanceof Request.DropUser d) {
      out.writeByte(DROP_USER).writeByte(d.ifExists() ? 1 : 0);
      Values.writeString(out, d.name());
    } else if (r instanceof Request.Grant g) {
      out.writeByte(GRANT);
      Values.writeString(out, g.user());
      Values.writeString(out, g.table());
      out.writeByte(g.privileges()).writeByte(g.admin() ? 1 : 0).writeByte(g.revoke() ? 1 : 0);
    } else if (r instanceof Request.IndexScan scan) {
      out.writeByte(INDEX_SCAN).writeLong(scan.tableId());
      Values.writeString(out, scan.index());
      out.writeInt(scan.columns().length);
      for (int c : scan.columns()) {
        out.writeInt(c);
      }
      out.writeByte(scan.filter() == null ? 0 : 1);
      if (scan.filter() != null) {
        ScanFilters.write(out, scan.filter());
      }
      Values.write(out, scan.low());
      out.writeByte(scan.lowInclusive() ? 1 : 0);
      Values.write(out, scan.high());
      out.writeByte(scan.highInclusive() ? 1 : 0).writeByte(scan.reverse() ? 1 : 0)
          .writeInt(scan.limit());
    } else if (r instanceof Request.LinkHello h) {
      out.writeByte(LINK_HELLO);
      Values.writeString(out, h.fromRegion());
    } else if (r instanceof Request.SyncCatalog c) {
      out.writeByte(SYNC_CATALOG);
      writeCatalog(out, c.tables(), c.dropped(), c.users());
    } else if (r instanceof Request.Replicate rep) {
      out.writeByte(REPLICATE);
      Values.writeString(out, rep.origin());
      out.writeLong(rep.targetEpoch()).writeInt(rep.records().size());
      for (ChangeRecord c : rep.records()) {
        out.writeLong(c.tableId());
        writeBytes(out, c.key());
        writeBytes(out, c.row());
      }
    } else if (r instanceof Request.GetDigests d) {
      out.writeByte(GET_DIGESTS).writeLong(d.tableId());
      writeInts(out, d.partitions());
      Values.writeString(out, d.fromRegion());
    } else if (r instanceof Request.GetRowHashes h) {
      out.writeByte(GET_ROW_HASHES).writeLong(h.tableId()).writeInt(h.partition());
      writeInts(out, h.buckets());
      Values.writeString(out, h.fromRegion());
    } else if (r instanceof Request.ReadSystemTable t) {
      out.writeByte(READ_SYSTEM_TABLE);
      Values.writeString(out, t.name());
    } else if (r instanceof Request.Repair rep) {
      out.writeByte(REPAIR);
      Values.writeString(out, rep.targetRegion());
    } else if (r instanceof Request.AwaitApplied a) {
      out.writeByte(AWAIT_APPLIED);
      writeStringLongs(out, a.required());
      out.writeInt(a.waitMillis());
    } else if (r instanceof Request.AwaitRows a) {
      out.writeByte(AWAIT_ROWS);
      writeStringLongs(out, a.required());
      writeStringLongs(out, a.floors());
      out.writeInt(a.rows().size());
      for (Request.WrittenRow w : a.rows()) {
        out.writeLong(w.tableId());
        writeValues(out, w.key());
        Schemas.writeStamp(out, w.stamp());
        out.writeByte(w.delete() ? 1 : 0).writeInt(w.columns().length);
        for (int c : w.columns()) {
          out.writeInt(c);
        }
      }
      out.writeInt(a.waitMillis());
    } else if (r instanceof Request.LinkProgress p) {
      out.writeByte(LINK_PROGRESS);
      Values.writeString(out, p.origin());
      out.writeLong(p.throughMillis()).writeInt(p.partitionCount());
      writeLongArray(out, p.partitionBits());
    } else {
      throw new IllegalArgumentException("unknown request " + r);
    }
  }

  /**
   * Decodes a request frame arriving on a port of the given role: a request that port does not
   * take ({@link PortRole}) fails with {@code 08P01} before its body is read.
   */
  public static RequestFrame decodeRequest(ByteBuf in, PortRole port) {
    byte op = Values.need(in, 5).getByte(in.readerIndex() + 4);
    if (!port.admits(op)) {
      throw Values.corrupt("request opcode 0x" + Integer.toHexString(op & 0xff) + " is not taken"
          + " on the " + port.name().toLowerCase(java.util.Locale.ROOT) + " port");
    }
    return decodeRequest(in);
  }

  /** Decodes a request frame of any kind; malformed input fails with {@code 08P01}. */
  public static RequestFrame decodeRequest(ByteBuf in) {
    int id = Values.need(in, 5).readInt();
    byte op = in.readByte();
    Request r = switch (op) {
      case PING -> new Request.Ping();
      case GET_CATALOG -> new Request.GetCatalog();
      case GET_PARTITIONS -> new Request.GetPartitions();
      case CREATE_TABLE -> {
        boolean ifNotExists = readFlag(in);
        yield new Request.CreateTable(Schemas.read(in), ifNotExists);
      }
      case DROP_TABLE -> {
        boolean ifExists = readFlag(in);
        yield new Request.DropTable(Values.readString(in), ifExists);
      }
      case ALTER_TABLE -> {
        String name = Values.readString(in);
        yield new Request.AlterTable(name, Schemas.read(in));
      }
      case GET -> {
        long tableId = Values.need(in, 8).readLong();
        int n = Values.readCount(in, 4);
        List<Object[]> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          keys.add(readValues(in));
        }
        yield new Request.Get(tableId, keys);
      }
      case WRITE, WRITE_READING -> {
        boolean reading = op == WRITE_READING;
        long tableId = Values.need(in, 8).readLong();
        byte kind = Values.readByte(in);
        if (kind < 0 || kind >= WriteKind.values().length) {
          throw Values.corrupt("write kind " + kind);
        }
        int n = Values.readCount(in, 8);
        List<RowWrite> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          Object[] key = readValues(in);
          int c = Values.readCount(in, reading ? 6 : 5);
          int[] cols = new int[c];
          Object[] vals = new Object[c];
          RowExpr[] computed = reading ? new RowExpr[c] : null;
          for (int j = 0; j < c; j++) {
            cols[j] = Values.need(in, 4).readInt();
            if (reading && readFlag(in)) {
              computed[j] = RowExprs.read(in);
            } else {
              vals[j] = Values.read(in);
            }
          }
          RowExpr condition = reading && readFlag(in) ? RowExprs.read(in) : null;
          rows.add(new RowWrite(key, cols, vals, computed, condition));
        }
        yield new Request.Write(tableId, WriteKind.values()[kind], rows);
      }
      case SCAN -> {
        long tableId = Values.need(in, 8).readLong();
        int n = Values.readCount(in, 4);
        int[] columns = new int[n];
        for (int i = 0; i < n; i++) {
          columns[i] = in.readInt();
        }
        ScanFilter filter = readFlag(in) ? ScanFilters.read(in) : null;
        yield new Request.Scan(tableId, columns, filter, Values.need(in, 4).readInt());
      }
      case CREATE_INDEX -> {
        boolean ifNotExists = readFlag(in);
        yield new Request.CreateIndex(IndexDefs.read(in), ifNotExists);
      }
      case DROP_INDEX -> {
        boolean ifExists = readFlag(in);
        yield new Request.DropIndex(Values.readString(in), ifExists);
      }
      case GET_INDEXES -> new Request.GetIndexes();
      case PUT_USER -> {
        String name = Values.readString(in);
        boolean create = readFlag(in);
        boolean ifNotExists = readFlag(in);
        byte[] salt = Values.readBytes(in);
        int iterations = Values.need(in, 4).readInt();
        byte[] storedKey = Values.readBytes(in);
        byte[] serverKey = Values.readBytes(in);
        dev.meridian.protocol.auth.ScramVerifier verifier;
        try {
          verifier = new dev.meridian.protocol.auth.ScramVerifier(salt, iterations, storedKey,
              serverKey);
        } catch (IllegalArgumentException e) {
          throw Values.corrupt(e.getMessage());
        }
        yield new Request.PutUser(name, verifier, create, ifNotExists);
      }
      case DROP_USER -> {
        boolean ifExists = readFlag(in);
        yield new Request.DropUser(Values.readString(in), ifExists);
      }
      case GRANT -> {
        String user = Values.readString(in);
        String table = Values.readString(in);
        int bits = Values.readByte(in);
        if (bits < 0 || bits > dev.meridian.protocol.auth.Privilege.ALL_BITS) {
          throw Values.corrupt("privilege bits " + bits);
        }
        boolean admin = readFlag(in);
        yield new Request.Grant(user, table, bits, admin, readFlag(in));
      }
      case INDEX_SCAN -> {
        long tableId = Values.need(in, 8).readLong();
        String index = Values.readString(in);
        int n = Values.readCount(in, 4);
        int[] columns = new int[n];
        for (int i = 0; i < n; i++) {
          columns[i] = in.readInt();
        }
        ScanFilter filter = readFlag(in) ? ScanFilters.read(in) : null;
        Object low = Values.read(in);
        boolean lowInclusive = readFlag(in);
        Object high = Values.read(in);
        boolean highInclusive = readFlag(in);
        boolean reverse = readFlag(in);
        yield new Request.IndexScan(tableId, index, columns, filter, low, lowInclusive, high,
            highInclusive, reverse, Values.need(in, 4).readInt());
      }
      case SCAN_NEXT -> new Request.ScanNext(Values.need(in, 8).readLong(),
          Values.need(in, 4).readInt());
      case SCAN_CLOSE -> new Request.ScanClose(Values.need(in, 8).readLong());
      case LINK_HELLO -> new Request.LinkHello(Values.readString(in));
      case SYNC_CATALOG -> {
        List<TableSchema> tables = readSchemas(in);
        List<Long> dropped = readLongs(in);
        yield new Request.SyncCatalog(tables, dropped, readUsers(in));
      }
      case REPLICATE -> {
        String origin = Values.readString(in);
        long epoch = Values.need(in, 8).readLong();
        int n = Values.readCount(in, 16);
        List<ChangeRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long tableId = Values.need(in, 8).readLong();
          byte[] key = Values.readBytes(in);
          records.add(new ChangeRecord(tableId, key, Values.readBytes(in)));
        }
        yield new Request.Replicate(origin, epoch, records);
      }
      case GET_DIGESTS -> {
        long tableId = Values.need(in, 8).readLong();
        List<Integer> partitions = readInts(in);
        yield new Request.GetDigests(tableId, partitions, Values.readString(in));
      }
      case GET_ROW_HASHES -> {
        long tableId = Values.need(in, 8).readLong();
        int partition = Values.need(in, 4).readInt();
        List<Integer> buckets = readInts(in);
        yield new Request.GetRowHashes(tableId, partition, buckets, Values.readString(in));
      }
      case READ_SYSTEM_TABLE -> new Request.ReadSystemTable(Values.readString(in));
      case REPAIR -> new Request.Repair(Values.readString(in));
      case AWAIT_APPLIED -> new Request.AwaitApplied(readStringLongs(in),
          Values.need(in, 4).readInt());
      case AWAIT_ROWS -> readAwaitRows(in);
      case LINK_PROGRESS -> new Request.LinkProgress(Values.readString(in),
          Values.need(in, 12).readLong(), in.readInt(), readLongArray(in));
      default -> throw Values.corrupt("unknown request opcode 0x" + Integer.toHexString(op & 0xff));
    };
    expectEnd(in);
    return new RequestFrame(id, r);
  }

  // ---- responses ----

  /** Encodes a response frame (without the length prefix). */
  public static void encodeResponse(ResponseFrame frame, ByteBuf out) {
    out.writeInt(frame.requestId());
    Response r = frame.response();
    int flags = frame.more() ? FLAG_MORE : 0;
    if (r instanceof Response.Pong p) {
      out.writeByte(PING | REPLY).writeByte(flags);
      Values.writeString(out, p.region());
      Values.writeString(out, p.peer());
      out.writeLong(p.hlc());
    } else if (r instanceof Response.Partitions p) {
      out.writeByte(GET_PARTITIONS | REPLY).writeByte(flags).writeInt(p.owners().size());
      for (String owner : p.owners()) {
        Values.writeString(out, owner);
      }
    } else if (r instanceof Response.Catalog c) {
      out.writeByte(GET_CATALOG | REPLY).writeByte(flags).writeInt(c.tables().size());
      for (TableSchema s : c.tables()) {
        Schemas.write(out, s);
      }
    } else if (r instanceof Response.TableCreated t) {
      out.writeByte(CREATE_TABLE | REPLY).writeByte(flags).writeByte(t.created() ? 1 : 0);
      Schemas.write(out, t.schema());
    } else if (r instanceof Response.TableDropped t) {
      out.writeByte(DROP_TABLE | REPLY).writeByte(flags).writeByte(t.dropped() ? 1 : 0);
    } else if (r instanceof Response.TableAltered t) {
      out.writeByte(ALTER_TABLE | REPLY).writeByte(flags);
      Schemas.write(out, t.schema());
    } else if (r instanceof Response.Rows rows) {
      out.writeByte(GET | REPLY).writeByte(flags).writeInt(rows.rows().size());
      for (Object[] row : rows.rows()) {
        if (row == null) {
          out.writeByte(0);
        } else {
          out.writeByte(1);
          writeValues(out, row);
        }
      }
    } else if (r instanceof Response.Written w) {
      out.writeByte(WRITE | REPLY).writeByte(flags).writeInt(w.outcomes().size());
      for (RowOutcome o : w.outcomes()) {
        out.writeByte(o.status().ordinal());
        if (o.status() == RowOutcome.Status.APPLIED) {
          Schemas.writeStamp(out, o.stamp());
        } else if (o.status() != RowOutcome.Status.NOT_FOUND) {
          Values.writeString(out, o.state().code());
          Values.writeString(out, o.message() == null ? "" : o.message());
        }
      }
    } else if (r instanceof Response.ScanPage page) {
      out.writeByte(SCAN | REPLY).writeByte(flags).writeLong(page.scanId())
          .writeByte(page.last() ? 1 : 0).writeInt(page.rows().size());
      for (Object[] row : page.rows()) {
        writeValues(out, row);
      }
    } else if (r instanceof Response.IndexCreated c) {
      out.writeByte(CREATE_INDEX | REPLY).writeByte(flags).writeByte(c.created() ? 1 : 0);
      IndexDefs.write(out, c.index());
    } else if (r instanceof Response.IndexDropped d) {
      out.writeByte(DROP_INDEX | REPLY).writeByte(flags).writeByte(d.dropped() ? 1 : 0);
    } else if (r instanceof Response.Indexes ix) {
      out.writeByte(GET_INDEXES | REPLY).writeByte(flags);
      IndexDefs.writeAll(out, ix.indexes());
    } else if (r instanceof Response.UserChanged u) {
      out.writeByte(PUT_USER | REPLY).writeByte(flags).writeByte(u.changed() ? 1 : 0);
    } else if (r instanceof Response.Error e) {
      out.writeByte(ERROR).writeByte(flags);
      Values.writeString(out, e.state().code());
      Values.writeString(out, e.message() == null ? "" : e.message());
    } else if (r instanceof Response.LinkWelcome w) {
      out.writeByte(LINK_HELLO | REPLY).writeByte(flags);
      Values.writeString(out, w.region());
      out.writeLong(w.epoch());
    } else if (r instanceof Response.CatalogState c) {
      out.writeByte(SYNC_CATALOG | REPLY).writeByte(flags);
      writeCatalog(out, c.tables(), c.dropped(), c.users());
    } else if (r instanceof Response.Replicated rep) {
      out.writeByte(REPLICATE | REPLY).writeByte(flags)
          .writeLong(rep.appliedAtMillis()).writeInt(rep.conflicts()).writeInt(rep.skewEvents());
    } else if (r instanceof Response.Digests d) {
      out.writeByte(GET_DIGESTS | REPLY).writeByte(flags).writeInt(d.digests().size());
      for (long[] digest : d.digests()) {
        writeLongArray(out, digest);
      }
    } else if (r instanceof Response.RowHashes h) {
      if (h.keyHashes().length != h.rowHashes().length) {
        throw new IllegalArgumentException("row hash arrays differ in length");
      }
      out.writeByte(GET_ROW_HASHES | REPLY).writeByte(flags);
      writeLongArray(out, h.keyHashes());
      for (long v : h.rowHashes()) {
        out.writeLong(v);
      }
    } else if (r instanceof Response.RepairDone d) {
      out.writeByte(REPAIR | REPLY).writeByte(flags)
          .writeLong(d.rowsCompared()).writeLong(d.rowsShipped());
    } else if (r instanceof Response.Applied a) {
      out.writeByte(AWAIT_APPLIED | REPLY).writeByte(flags).writeByte(a.satisfied() ? 1 : 0);
      writeStringLongs(out, a.throughMillis());
    } else if (r instanceof Response.ProgressNoted) {
      out.writeByte(LINK_PROGRESS | REPLY).writeByte(flags);
    } else {
      throw new IllegalArgumentException("unknown response " + r);
    }
  }

  /** Decodes a response frame; malformed input fails with {@code 08P01}. */
  public static ResponseFrame decodeResponse(ByteBuf in) {
    int id = Values.need(in, 6).readInt();
    byte op = in.readByte();
    byte flags = in.readByte();
    Response r = switch (op) {
      case PING | REPLY -> new Response.Pong(Values.readString(in), Values.readString(in),
          Values.need(in, 8).readLong());
      case GET_PARTITIONS | REPLY -> {
        int n = Values.readCount(in, 4);
        List<String> owners = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          owners.add(Values.readString(in));
        }
        yield new Response.Partitions(owners);
      }
      case GET_CATALOG | REPLY -> {
        int n = Values.readCount(in, 30);
        List<TableSchema> tables = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          tables.add(Schemas.read(in));
        }
        yield new Response.Catalog(tables);
      }
      case CREATE_TABLE | REPLY -> {
        boolean created = readFlag(in);
        yield new Response.TableCreated(created, Schemas.read(in));
      }
      case DROP_TABLE | REPLY -> new Response.TableDropped(readFlag(in));
      case ALTER_TABLE | REPLY -> new Response.TableAltered(Schemas.read(in));
      case CREATE_INDEX | REPLY -> {
        boolean created = readFlag(in);
        yield new Response.IndexCreated(created, IndexDefs.read(in));
      }
      case DROP_INDEX | REPLY -> new Response.IndexDropped(readFlag(in));
      case PUT_USER | REPLY -> new Response.UserChanged(readFlag(in));
      case GET_INDEXES | REPLY -> new Response.Indexes(IndexDefs.readAll(in));
      case GET | REPLY -> {
        int n = Values.readCount(in, 1);
        List<Object[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          rows.add(readFlag(in) ? readValues(in) : null);
        }
        yield new Response.Rows(rows);
      }
      case WRITE | REPLY -> {
        int n = Values.readCount(in, 1);
        List<RowOutcome> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          outcomes.add(readOutcome(in));
        }
        yield new Response.Written(outcomes);
      }
      case SCAN | REPLY -> {
        long scanId = Values.need(in, 8).readLong();
        boolean last = readFlag(in);
        int n = Values.readCount(in, 4);
        List<Object[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          rows.add(readValues(in));
        }
        yield new Response.ScanPage(scanId, rows, last);
      }
      case LINK_HELLO | REPLY -> new Response.LinkWelcome(Values.readString(in),
          Values.need(in, 8).readLong());
      case SYNC_CATALOG | REPLY -> {
        List<TableSchema> tables = readSchemas(in);
        List<Long> dropped = readLongs(in);
        yield new Response.CatalogState(tables, dropped, readUsers(in));
      }
      case REPLICATE | REPLY -> new Response.Replicated(Values.need(in, 8).readLong(),
          Values.need(in, 4).readInt(), Values.need(in, 4).readInt());
      case GET_DIGESTS | REPLY -> {
        int n = Values.readCount(in, 4);
        List<long[]> digests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          digests.add(readLongArray(in));
        }
        yield new Response.Digests(digests);
      }
      case GET_ROW_HASHES | REPLY -> {
        long[] keys = readLongArray(in);
        Values.need(in, 8 * keys.length);
        long[] rows = new long[keys.length];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = in.readLong();
        }
        yield new Response.RowHashes(keys, rows);
      }
      case REPAIR | REPLY -> new Response.RepairDone(Values.need(in, 8).readLong(),
          Values.need(in, 8).readLong());
      case AWAIT_APPLIED | REPLY -> new Response.Applied(readFlag(in), readStringLongs(in));
      case LINK_PROGRESS | REPLY -> new Response.ProgressNoted();
      case ERROR -> new Response.Error(readState(in), Values.readString(in));
      default -> throw Values.corrupt("unknown response opcode 0x" + Integer.toHexString(op & 0xff));
    };
    expectEnd(in);
    return new ResponseFrame(id, r, (flags & FLAG_MORE) != 0);
  }

  private static RowOutcome readOutcome(ByteBuf in) {
    byte s = Values.readByte(in);
    if (s < 0 || s >= RowOutcome.Status.values().length) {
      throw Values.corrupt("row status " + s);
    }
    RowOutcome.Status status = RowOutcome.Status.values()[s];
    return switch (status) {
      case APPLIED -> RowOutcome.applied(Schemas.readStamp(in));
      case NOT_FOUND -> RowOutcome.notFound();
      case DUPLICATE, FAILED -> new RowOutcome(status, null, readState(in), Values.readString(in));
    };
  }

  private static SqlState readState(ByteBuf in) {
    String code = Values.readString(in);
    if (code.length() != 5) {
      throw Values.corrupt("SQLState '" + code + "' is not five characters");
    }
    return SqlState.of(code);
  }

  private static void writeValues(ByteBuf out, Object[] values) {
    out.writeInt(values.length);
    for (Object v : values) {
      Values.write(out, v);
    }
  }

  private static Object[] readValues(ByteBuf in) {
    int n = Values.readCount(in, 1);
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      values[i] = Values.read(in);
    }
    return values;
  }

  private static void writeBytes(ByteBuf out, byte[] bytes) {
    out.writeInt(bytes.length).writeBytes(bytes);
  }

  private static void writeInts(ByteBuf out, List<Integer> values) {
    out.writeInt(values.size());
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static List<Integer> readInts(ByteBuf in) {
    int n = Values.readCount(in, 4);
    List<Integer> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(in.readInt());
    }
    return values;
  }

  private static Request.AwaitRows readAwaitRows(ByteBuf in) {
    Map<String, Long> required = readStringLongs(in);
    Map<String, Long> floors = readStringLongs(in);
    int n = Values.readCount(in, 8 + 4 + 12 + 1 + 4);
    List<Request.WrittenRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long tableId = Values.need(in, 8).readLong();
      Object[] key = readValues(in);
      Stamp stamp = Schemas.readStamp(in);
      boolean delete = readFlag(in);
      int c = Values.readCount(in, 4);
      int[] columns = new int[c];
      for (int j = 0; j < c; j++) {
        columns[j] = in.readInt();
      }
      rows.add(new Request.WrittenRow(tableId, key, stamp, columns, delete));
    }
    return new Request.AwaitRows(required, floors, rows, Values.need(in, 4).readInt());
  }

  private static void writeStringLongs(ByteBuf out, Map<String, Long> values) {
    out.writeInt(values.size());
    for (Map.Entry<String, Long> e : values.entrySet()) {
      Values.writeString(out, e.getKey());
      out.writeLong(e.getValue());
    }
  }

  private static Map<String, Long> readStringLongs(ByteBuf in) {
    int n = Values.readCount(in, 12);
    Map<String, Long> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String key = Values.readString(in);
      out.put(key, Values.need(in, 8).readLong());
    }
    return Map.copyOf(out);
  }

  private static void writeLongArray(ByteBuf out, long[] values) {
    out.writeInt(values.length);
    for (long v : values) {
      out.writeLong(v);
    }
  }

  private static long[] readLongArray(ByteBuf in) {
    int n = Values.readCount(in, 8);
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readLong();
    }
    return values;
  }

  private static List<Long> readLongs(ByteBuf in) {
    List<Long> values = new ArrayList<>();
    for (long v : readLongArray(in)) {
      values.add(v);
    }
    return values;
  }

  private static void writeCatalog(ByteBuf out, List<TableSchema> tables, List<Long> dropped,
      List<dev.meridian.protocol.auth.UserRecord> users) {
    out.writeInt(tables.size());
    for (TableSchema s : tables) {
      Schemas.write(out, s);
    }
    out.writeInt(dropped.size());
    for (long id : dropped) {
      out.writeLong(id);
    }
    if (!users.isEmpty()) {
      out.writeInt(users.size());
      for (dev.meridian.protocol.auth.UserRecord u : users) {
        dev.meridian.protocol.auth.UserRecords.write(out, u);
      }
    }
  }

  /** The users that end a catalog (none when the body ends before them). */
  private static List<dev.meridian.protocol.auth.UserRecord> readUsers(ByteBuf in) {
    if (!in.isReadable()) {
      return List.of();
    }
    int n = Values.readCount(in, 18);
    List<dev.meridian.protocol.auth.UserRecord> users = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      users.add(dev.meridian.protocol.auth.UserRecords.read(in));
    }
    return users;
  }

  private static List<TableSchema> readSchemas(ByteBuf in) {
    int n = Values.readCount(in, 30);
    List<TableSchema> tables = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tables.add(Schemas.read(in));
    }
    return tables;
  }

  private static boolean readFlag(ByteBuf in) {
    byte b = Values.readByte(in);
    if (b != 0 && b != 1) {
      throw Values.corrupt("flag byte " + b);
    }
    return b == 1;
  }

  private static void expectEnd(ByteBuf in) {
    if (in.isReadable()) {
      throw Values.corrupt(in.readableBytes() + " unexpected bytes after the message");
    }
  }
}
