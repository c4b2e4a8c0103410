package dev.meridian.peer.internal.storage;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.RowOutcome;
import java.io.IOException;

/**
 * What a {@link WriteProcessor} returns from the partition owner: the row's {@link RowOutcome}.
 * Immutable once read; a carrier for serialization only.
 */
final class WriteResult implements IdentifiedDataSerializable {

  private RowOutcome outcome;

  /** For deserialization. */
  WriteResult() {}

  WriteResult(RowOutcome outcome) {
    this.outcome = outcome;
  }

  RowOutcome outcome() {
    return outcome;
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
    Stamp stamp = outcome.stamp();
    out.writeBoolean(stamp != null);
    if (stamp != null) {
      out.writeLong(stamp.hlc());
      out.writeInt(stamp.origin());
    }
    out.writeString(outcome.state() == null ? null : outcome.state().code());
    out.writeString(outcome.message());
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int status = in.readByte();
    RowOutcome.Status[] all = RowOutcome.Status.values();
    if (status < 0 || status >= all.length) {
      throw new IOException("unknown write status " + status);
    }
    Stamp stamp = in.readBoolean() ? new Stamp(in.readLong(), in.readInt()) : null;
    String code = in.readString();
    String message = in.readString();
    outcome = new RowOutcome(all[status], stamp, code == null ? null : SqlState.of(code), message);
  }
}
