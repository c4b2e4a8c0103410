package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.replication.ChangeNotifier;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.RowMerge;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.WriteKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One row write, run by Hazelcast on the partition owner of its key: checks existence, takes a
 * stamp from the owner's {@link HybridClock} above every stamp the row holds, merges the
 * write's fragment with {@link RowMerge#merge} and stores the result.
 *
 * <p>The backup replicas must hold the same bytes, so {@link #getBackupProcessor()} hands
 * Hazelcast a {@link BackupWrite} of exactly what was stored, or null when nothing changed
 * (Hazelcast then sends no backup). Re-running this processor on a backup would take another
 * stamp there.
 *
 * <p>For {@link ConflictResolution#ROW} tables the fragment is the full image of the row after
 * the write (the visible cells restamped, overlaid with the written ones), because per-row
 * resolution keeps only the cells of the highest-stamped write.
 *
 * <p>Residency ({@link Residency}): for a pinned table the owner decides from the merged row
 * where it may live. A new row this region may not hold is refused with {@code 23M01} and
 * nothing is stored. A write that changes where an existing row may live (its deciding value
 * moved it to another set of regions, or this region may no longer hold it) <em>moves</em> it:
 * the row becomes a tombstone {@code T} followed by the full row restamped {@code S > T}. When
 * this region may hold the result, both are stored here and the links carry the full row to the
 * new regions and the bare tombstone to the old ones. When it may not, nothing is stored yet:
 * the result hands the full row to the caller, which ships it to the allowed regions and then
 * stores the tombstone here ({@link StorageRequestHandler}).
 *
 * <p>Not thread-safe: Hazelcast runs one instance on one partition thread at a time, and a
 * caller creates one instance per row.
 */
final class WriteProcessor implements EntryProcessor<byte[], byte[], WriteResult>,
    HazelcastInstanceAware, IdentifiedDataSerializable {

  /** Key of the member's {@link HybridClock} in the Hazelcast user context. */
  static final String CLOCK_KEY = "meridian.clock";

  private static final Logger LOG = LoggerFactory.getLogger(WriteProcessor.class);
  private static final WriteKind[] KINDS = WriteKind.values();
  private static final ConflictResolution[] RESOLUTIONS = ConflictResolution.values();

  private long tableId;
  private WriteKind kind;
  private ConflictResolution resolution;
  private int[] columns;
  private byte[][] values;
  private PinRef pin;

  private transient HybridClock clock;
  private transient Residency residency;
  private transient ChangeNotifier changes;
  private transient RowIndexes indexes;
  private transient byte[] stored;

  /** For deserialization. */
  WriteProcessor() {}

  WriteProcessor(long tableId, WriteKind kind, ConflictResolution resolution, CheckedWrite write,
      Residency.Pin pin) {
    this.tableId = tableId;
    this.kind = kind;
    this.resolution = resolution;
    this.columns = write.columns();
    this.values = write.values();
    this.pin = PinRef.of(pin);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    clock = (HybridClock) instance.getUserContext().get(CLOCK_KEY);
    changes = (ChangeNotifier) instance.getUserContext().get(ChangeNotifier.CONTEXT_KEY);
    residency = (Residency) instance.getUserContext().get(Residency.CONTEXT_KEY);
    indexes = (RowIndexes) instance.getUserContext().get(RowIndexes.CONTEXT_KEY);
  }

  @Override
  public WriteResult process(Map.Entry<byte[], byte[]> entry) {
    stored = null;
    try {
      return apply(entry);
    } catch (MeridianException e) {
      // Thrown exceptions would travel back by Java serialization; an outcome is cleaner.
      LOG.error("write of a {} row failed on the partition owner", kind, e);
      return new WriteResult(RowOutcome.failed(e.state(), e.getMessage()));
    }
  }

  private WriteResult apply(Map.Entry<byte[], byte[]> entry) {
    if (clock == null) {
      throw new MeridianException(SqlState.INTERNAL_ERROR,
          "the Hazelcast member has no Meridian clock in its user context");
    }
    byte[] old = entry.getValue();
    StoredRow row = old == null ? StoredRow.EMPTY : RowFormat.decode(old);
    boolean visible = row.isVisible();
    if (kind == WriteKind.INSERT && visible) {
      return new WriteResult(RowOutcome.duplicate());
    }
    if ((kind == WriteKind.UPDATE || kind == WriteKind.DELETE) && !visible) {
      return new WriteResult(RowOutcome.notFound());
    }
    Stamp stamp = clock.stampAfter(row.maxStamp());
    StoredRow merged = RowMerge.merge(row, fragment(row, stamp), resolution);
    Residency.Pin pin = PinRef.resolve(this.pin, residency, tableId);
    if (pin != null && kind != WriteKind.DELETE) {
      String here = residency.region();
      Set<String> now = pin.allowed(merged, entry.getKey());
      boolean mayStayHere = Residency.contains(now, here);
      if (!visible && !mayStayHere) {
        Object value = pin.byKey() ? null : pin.decidingValue(merged);
        return new WriteResult(RowOutcome.failed(SqlState.RESIDENCY_VIOLATION,
            pin.violation(value, now, here).getMessage()));
      }
      if (visible && (!mayStayHere || !Objects.equals(now, pin.allowed(row, entry.getKey())))) {
        return move(entry, row, merged, now, mayStayHere);
      }
    }
    store(entry, RowFormat.encode(merged));
    return new WriteResult(RowOutcome.applied(stamp));
  }

  private void store(Map.Entry<byte[], byte[]> entry, byte[] bytes) {
    entry.setValue(bytes);
    stored = bytes;
    if (indexes != null) {
      indexes.rowChanged(tableId, entry.getKey(), bytes);
    }
    if (changes != null) {
      changes.changed(tableId, entry.getKey());
    }
  }

  /**
   * Moves a row whose deciding value now pins it to other regions: a tombstone above every
   * stamp it holds, then the whole visible row restamped above the tombstone, so the new
   * regions get every cell (not only the ones this write set) and the old ones, receiving the
   * tombstone, drop theirs; under last-writer-wins the restamped row beats the tombstone
   * wherever both arrive.
   */
  private WriteResult move(Map.Entry<byte[], byte[]> entry, StoredRow row, StoredRow merged,
      Set<String> now, boolean mayStayHere) {
    Stamp tombstone = clock.stampAfter(merged.maxStamp());
    Stamp rewritten = clock.stampAfter(tombstone);
    List<Cell> cells = new ArrayList<>();
    for (Cell c : merged.visibleCells()) {
      cells.add(c.withStamp(rewritten));
    }
    StoredRow moved = StoredRow.of(tombstone, cells);
    if (mayStayHere) {
      store(entry, RowFormat.encode(RowMerge.merge(row, moved, resolution)));
      return new WriteResult(RowOutcome.applied(rewritten));
    }
    return new WriteResult(RowOutcome.applied(rewritten), RowFormat.encode(moved), tombstone,
        new ArrayList<>(now));
  }

  private StoredRow fragment(StoredRow row, Stamp stamp) {
    if (kind == WriteKind.DELETE) {
      return StoredRow.deleted(stamp);
    }
    if (resolution != ConflictResolution.ROW) {
      return StoredRow.written(stamp, columns, values);
    }
    Map<Integer, byte[]> image = new TreeMap<>();
    for (Cell c : row.visibleCells()) {
      image.put(c.column(), c.encodedValue());
    }
    for (int i = 0; i < columns.length; i++) {
      image.put(columns[i], values[i]);
    }
    int[] cols = new int[image.size()];
    byte[][] vals = new byte[image.size()][];
    int i = 0;
    for (Map.Entry<Integer, byte[]> e : image.entrySet()) {
      cols[i] = e.getKey();
      vals[i] = e.getValue();
      i++;
    }
    return StoredRow.written(stamp, cols, vals);
  }

  @Override
  public EntryProcessor<byte[], byte[], WriteResult> getBackupProcessor() {
    // Called after process(), possibly more than once; must not change state.
    return stored == null ? null : new BackupWrite<>(stored);
  }

  @Override
  public int getFactoryId() {
    return StorageSerializers.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StorageSerializers.WRITE_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(tableId);
    out.writeByte(kind.ordinal());
    out.writeByte(resolution.ordinal());
    out.writeInt(columns.length);
    for (int i = 0; i < columns.length; i++) {
      out.writeInt(columns[i]);
      out.writeByteArray(values[i]);
    }
    PinRef.write(out, pin);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    tableId = in.readLong();
    int k = in.readByte();
    int r = in.readByte();
    if (k < 0 || k >= KINDS.length || r < 0 || r >= RESOLUTIONS.length) {
      throw new IOException("bad write processor header " + k + "/" + r);
    }
    kind = KINDS[k];
    resolution = RESOLUTIONS[r];
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative cell count " + n);
    }
    columns = new int[n];
    values = new byte[n][];
    for (int i = 0; i < n; i++) {
      columns[i] = in.readInt();
      values[i] = in.readByteArray();
    }
    pin = PinRef.read(in);
  }
}
