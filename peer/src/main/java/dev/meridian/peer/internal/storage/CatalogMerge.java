package dev.meridian.peer.internal.storage;

import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Schemas;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * The rule by which regions converge on one definition of a table incarnation: the later
 * version wins; at one version (two regions altered the table at the same time), the definition
 * whose encoding is greater, byte by byte. Total, commutative and idempotent, so every region
 * that has seen the same definitions picks the same one whatever the order. Stateless and
 * thread-safe.
 */
public final class CatalogMerge {
  private CatalogMerge() {}

  /** Whether {@code theirs} replaces {@code ours} (two definitions of one incarnation). */
  public static boolean theirsWins(TableSchema ours, TableSchema theirs) {
    if (theirs.version() != ours.version()) {
      return theirs.version() > ours.version();
    }
    return Arrays.compare(encode(theirs), encode(ours)) > 0;
  }

  private static byte[] encode(TableSchema schema) {
    ByteBuf buf = Unpooled.buffer(64);
    try {
      Schemas.write(buf, schema);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }
}
