package dev.meridian.peer.internal.storage;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.RowOutcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link WriteProcessor} returns from the partition owner: the row's {@link RowOutcome},
 * and for a write that moves the row out of this region (its deciding value now pins it to
 * other regions) the row to ship there and the tombstone to leave here once it arrived.
 * Immutable once read; a carrier for serialization only.
 */
final class WriteResult implements IdentifiedDataSerializable {

  private RowOutcome outcome;
  private byte[] moved;
  private Stamp tombstone;
  private List<String> movedTo;

  /** For deserialization. */
  WriteResult() {}

  WriteResult(RowOutcome outcome) {
    this.outcome = outcome;
  }

  /** A move: nothing stored yet; {@code moved} (row format) goes to {@code to} first. */
  WriteResult(RowOutcome outcome, byte[] moved, Stamp tombstone, List<String> to) {
    this.outcome = outcome;
    this.moved = moved;
    this.tombstone = tombstone;
    this.movedTo = List.copyOf(to);
  }

  RowOutcome outcome() {
    return outcome;
  }

  /** The full row to store in the regions of {@link #movedTo()}, or null when not a move. */
  byte[] moved() {
    return moved;
  }

  /** The tombstone to store here once the moved row arrived elsewhere. */
  Stamp tombstone() {
    return tombstone;
  }

  /** The regions the moved row may live in. */
  List<String> movedTo() {
    return movedTo;
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.WRITE_RESULT;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(outcome.status().ordinal());
    writeStamp(out, outcome.stamp());
    out.writeString(outcome.state() == null ? null : outcome.state().code());
    out.writeString(outcome.message());
    out.writeByteArray(moved);
    if (moved != null) {
      writeStamp(out, tombstone);
      out.writeInt(movedTo.size());
      for (String r : movedTo) {
        out.writeString(r);
      }
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int status = in.readByte();
    RowOutcome.Status[] all = RowOutcome.Status.values();
    if (status < 0 || status >= all.length) {
      throw new IOException("unknown write status " + status);
    }
    Stamp stamp = readStamp(in);
    String code = in.readString();
    String message = in.readString();
    outcome = new RowOutcome(all[status], stamp, code == null ? null : SqlState.of(code), message);
    moved = in.readByteArray();
    if (moved != null) {
      tombstone = readStamp(in);
      int n = in.readInt();
      if (n < 0 || n > 1024) {
        throw new IOException("bad region count " + n);
      }
      List<String> to = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        to.add(in.readString());
      }
      movedTo = List.copyOf(to);
    }
  }

  private static void writeStamp(ObjectDataOutput out, Stamp stamp) throws IOException {
    out.writeBoolean(stamp != null);
    if (stamp != null) {
      out.writeLong(stamp.hlc());
      out.writeInt(stamp.origin());
    }
  }

  private static Stamp readStamp(ObjectDataInput in) throws IOException {
    return in.readBoolean() ? new Stamp(in.readLong(), in.readInt()) : null;
  }
}
