package dev.meridian.peer.internal.storage;

import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Keeps the journal entries a link must ship: those that changed what writes originated in
 * this region hold of a row. Entries made by applying other regions' records (or by repair)
 * leave that part alone and are skipped, so records never echo back. Runs on the partition
 * owner inside Hazelcast's journal read. Immutable once read; thread-safe.
 */
public final class JournalFilter
    implements Predicate<EventJournalMapEvent<byte[], byte[]>>, IdentifiedDataSerializable {
  private int regionId;

  /** For deserialization. */
  JournalFilter() {}

  public JournalFilter(int regionId) {
    this.regionId = regionId;
  }

  @Override
  public boolean test(EventJournalMapEvent<byte[], byte[]> event) {
    byte[] now = event.getNewValue();
    if (now == null) {
      return false;
    }
    StoredRow after = RowFormat.decode(now).originatedIn(regionId);
    if (after.isEmpty()) {
      return false;
    }
    byte[] old = event.getOldValue();
    return old == null || !after.equals(RowFormat.decode(old).originatedIn(regionId));
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.JOURNAL_FILTER;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(regionId);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    regionId = in.readInt();
  }
}
