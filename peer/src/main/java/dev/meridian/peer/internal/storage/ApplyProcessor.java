package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.replication.ChangeNotifier;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.ConflictResolution;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Merges a row fragment received from another region (a change record, or a row shipped by
 * repair) into the stored row on the partition owner, as {@link FragmentApply} decides (the
 * same merge as local writes). The owner's clock advances past the fragment's stamps. Nothing is stored (no journal
 * entry, no backup) when the merge changes nothing, so a duplicate costs one read.
 *
 * <p>The result is a bit set: {@link #CONFLICT} when the fragment lost something to a higher
 * stamp already held (a concurrent write this region resolved; the cells it lost go to the
 * member's {@link ConflictLog}, here on the owner only), {@link #SKEW} when its highest
 * stamp was beyond the maximum clock offset, {@link #REFUSED} when the merged row would be
 * one this region may not hold by its residency rule: then only the fragment's tombstone is
 * merged, never its cells (a misconfigured or hostile sender cannot place a pinned row here),
 * {@link #UNCHANGED} when the row already held exactly what the merge makes of it.
 * Not thread-safe; one instance per row.
 */
public final class ApplyProcessor implements EntryProcessor<byte[], byte[], Integer>,
    HazelcastInstanceAware, IdentifiedDataSerializable {

  /** Result bit: the fragment lost a cell or its tombstone to a newer stamp. */
  public static final int CONFLICT = 1;
  /** Result bit: the fragment's stamp was beyond the maximum clock offset. */
  public static final int SKEW = 2;
  /** Result bit: this region may not hold the row; only its tombstone was applied. */
  public static final int REFUSED = 4;
  /** Result bit: the merge changed nothing (the row already held exactly this). */
  public static final int UNCHANGED = 8;

  private static final ConflictResolution[] RESOLUTIONS = ConflictResolution.values();

  private long tableId;
  private ConflictResolution resolution;
  private byte[] fragment;
  private PinRef pin;
  private transient HybridClock clock;
  private transient Residency residency;
  private transient ChangeNotifier changes;
  private transient RowIndexes indexes;
  private transient ConflictLog conflicts;
  private transient byte[] stored;

  /** For deserialization. */
  ApplyProcessor() {}

  public ApplyProcessor(long tableId, ConflictResolution resolution, byte[] fragment,
      Residency.Pin pin) {
    this.tableId = tableId;
    this.resolution = resolution;
    this.fragment = fragment;
    this.pin = PinRef.of(pin);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    clock = (HybridClock) instance.getUserContext().get(WriteProcessor.CLOCK_KEY);
    changes = (ChangeNotifier) instance.getUserContext().get(ChangeNotifier.CONTEXT_KEY);
    residency = (Residency) instance.getUserContext().get(Residency.CONTEXT_KEY);
    indexes = (RowIndexes) instance.getUserContext().get(RowIndexes.CONTEXT_KEY);
    conflicts = (ConflictLog) instance.getUserContext().get(ConflictLog.CONTEXT_KEY);
  }

  @Override
  public Integer process(Map.Entry<byte[], byte[]> entry) {
    stored = null;
    byte[] old = entry.getValue();
    StoredRow row = old == null ? StoredRow.EMPTY : RowFormat.decode(old);
    Residency.Pin pin = PinRef.resolve(this.pin, residency, tableId);
    Predicate<StoredRow> mayHold = pin == null ? null
        : Residency.mayHold(pin, residency.region(), entry.getKey());
    FragmentApply.Outcome applied = FragmentApply.apply(row, RowFormat.decode(fragment),
        resolution, mayHold, clock);
    if (conflicts != null && !applied.discarded().isEmpty()) {
      conflicts.record(tableId, entry.getKey(), applied.discarded(), System.currentTimeMillis());
    }
    byte[] bytes = RowFormat.encode(applied.merged());
    boolean unchanged = old != null && Arrays.equals(old, bytes);
    if (!unchanged) {
      entry.setValue(bytes);
      stored = bytes;
      if (indexes != null) {
        indexes.rowChanged(tableId, entry.getKey(), bytes);
      }
      if (changes != null && applied.ownPartChanged()) {
        changes.changed(tableId, entry.getKey());
      }
    }
    return applied.flags() | (unchanged ? UNCHANGED : 0);
  }

  @Override
  public EntryProcessor<byte[], byte[], Integer> getBackupProcessor() {
    return stored == null ? null : new BackupWrite<>(stored);
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.APPLY_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(tableId);
    out.writeByte(resolution.ordinal());
    out.writeByteArray(fragment);
    PinRef.write(out, pin);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    tableId = in.readLong();
    int r = in.readByte();
    if (r < 0 || r >= RESOLUTIONS.length) {
      throw new IOException("bad apply processor resolution " + r);
    }
    resolution = RESOLUTIONS[r];
    fragment = in.readByteArray();
    pin = PinRef.read(in);
  }
}
