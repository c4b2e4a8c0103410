package dev.meridian.peer.internal.storage;

import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Keeps the journal entries that hold a row (not removals); {@link JournalProjection} then
 * decides, from the row's bytes, whether the entry changed anything this region's writes made.
 * Cheap on purpose: it runs on the partition owner for every entry, and decoding the rows here
 * as well would do the projection's work twice. Immutable once read; thread-safe.
 */
public final class JournalFilter
    implements Predicate<EventJournalMapEvent<byte[], byte[]>>, IdentifiedDataSerializable {
  public JournalFilter() {}

  @Override
  public boolean test(EventJournalMapEvent<byte[], byte[]> event) {
    return event.getNewValue() != null;
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
    // stateless
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    // stateless
  }
}
