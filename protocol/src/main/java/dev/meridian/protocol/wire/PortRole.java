package dev.meridian.protocol.wire;

/**
 * Which listener a connection talks to. A peer listens twice: drivers on its client port, other
 * regions' links on its link port. Each has its own handshake magic, so a client that dialled
 * the wrong port is refused at the first frame, and its own set of requests: the driver port
 * never accepts a message that speaks for a region (change records, progress, catalogs,
 * digests), and the link port accepts nothing else. Immutable.
 */
public enum PortRole {
  /** The driver protocol: SQL clients, tools and operators. Handshake magic "MRDN". */
  DRIVER(0x4D52444E),
  /** Replication between regions. Handshake magic "MRDL". */
  LINK(0x4D52444C);

  private final int magic;

  PortRole(int magic) {
    this.magic = magic;
  }

  /** The magic that opens this port's hello and welcome. */
  public int magic() {
    return magic;
  }

  /** Whether a request of this opcode may arrive on this port. */
  boolean admits(byte opcode) {
    boolean link = isLinkOpcode(opcode);
    return switch (this) {
      case DRIVER -> !link;
      // A link also reads the target's system tables (backfill, region list) and pings it.
      case LINK -> link || opcode == ProtocolCodec.READ_SYSTEM_TABLE || opcode == ProtocolCodec.PING;
    };
  }

  /** Whether a request speaks for a region: only links may send it. */
  public static boolean isLinkMessage(Request request) {
    return request instanceof Request.LinkHello || request instanceof Request.SyncCatalog
        || request instanceof Request.Replicate || request instanceof Request.GetDigests
        || request instanceof Request.GetRowHashes || request instanceof Request.LinkProgress;
  }

  private static boolean isLinkOpcode(byte opcode) {
    return opcode == ProtocolCodec.LINK_HELLO || opcode == ProtocolCodec.SYNC_CATALOG
        || opcode == ProtocolCodec.REPLICATE || opcode == ProtocolCodec.GET_DIGESTS
        || opcode == ProtocolCodec.GET_ROW_HASHES || opcode == ProtocolCodec.LINK_PROGRESS;
  }
}
