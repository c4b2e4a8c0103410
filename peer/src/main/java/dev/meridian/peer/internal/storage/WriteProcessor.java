package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.disk.DurableLog;
import dev.meridian.peer.internal.replication.ChangeNotifier;
import dev.meridian.peer.internal.row.Counter;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.RowMerge;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.RowExprs;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.Schemas;
import dev.meridian.protocol.wire.WriteKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One row write, run by Hazelcast on the partition owner of its key: checks existence, takes a
 * stamp from the owner's {@link HybridClock} above every stamp the row holds, merges the
 * write's fragment with {@link RowMerge#merge} and stores the result.
 *
 * <p>A write that reads its row (an UPDATE or DELETE with a condition beside the key, or an
 * UPDATE with computed values such as {@code n = n + 1}) evaluates both here, against the row
 * as merged on the owner, in the same step that stamps and stores: a false condition writes
 * nothing and answers "not found" (an update count of 0), and no other write of the row can
 * come between the read and the write. A COUNTER is written as this region's contribution
 * moved by the increment ({@link Counter}).
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
  /** Key of the member's {@link DurableLog}, when it has one, in the Hazelcast user context. */
  static final String LOG_KEY = "meridian.log";

  private static final Logger LOG = LoggerFactory.getLogger(WriteProcessor.class);
  private static final WriteKind[] KINDS = WriteKind.values();
  private static final ConflictResolution[] RESOLUTIONS = ConflictResolution.values();

  private long tableId;
  private WriteKind kind;
  private ConflictResolution resolution;
  private int[] columns;
  private byte[][] values;
  private PinRef pin;
  /** Set when the write reads the row: the table, what it computes and its condition. */
  private TableSchema schema;
  private RowExpr[] computed;
  private RowExpr condition;
  /** The ttl column and the moment expiry is judged at ({@link Expiry}); NO_TTL for none. */
  private int ttlColumn = TableSchema.NO_TTL;
  private long now = Expiry.NEVER;
  /** Whether this is the sweep's delete of a row it found expired. */
  private boolean sweep;

  private transient HybridClock clock;
  private transient Residency residency;
  private transient ChangeNotifier changes;
  private transient RowIndexes indexes;
  private transient DurableLog log;
  private transient byte[] stored;

  /** For deserialization. */
  WriteProcessor() {}

  WriteProcessor(TableSchema schema, WriteKind kind, CheckedWrite write, Residency.Pin pin,
      long now) {
    this.ttlColumn = schema.ttlColumn();
    this.now = now;
    this.tableId = schema.tableId();
    this.kind = kind;
    this.resolution = schema.resolution();
    this.columns = write.columns();
    this.values = write.values();
    this.pin = PinRef.of(pin);
    if (write.readsRow()) {
      this.schema = schema;
      this.computed = write.computed();
      this.condition = write.condition();
    }
  }

  /** The sweep's delete of a row found expired at {@code now}, re-checked on the owner. */
  static WriteProcessor sweep(TableSchema schema, long now) {
    WriteProcessor p = new WriteProcessor();
    p.tableId = schema.tableId();
    p.kind = WriteKind.DELETE;
    p.resolution = schema.resolution();
    p.columns = new int[0];
    p.values = new byte[0][];
    p.pin = PinRef.of(null);
    p.ttlColumn = schema.ttlColumn();
    p.now = now;
    p.sweep = true;
    return p;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    clock = (HybridClock) instance.getUserContext().get(CLOCK_KEY);
    changes = (ChangeNotifier) instance.getUserContext().get(ChangeNotifier.CONTEXT_KEY);
    residency = (Residency) instance.getUserContext().get(Residency.CONTEXT_KEY);
    indexes = (RowIndexes) instance.getUserContext().get(RowIndexes.CONTEXT_KEY);
    log = (DurableLog) instance.getUserContext().get(LOG_KEY);
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
    String refusal = log == null ? null : log.refusal();
    if (refusal != null) {
      // The disk just refused a write: fail this one before it touches the indexes or the
      // journal (the log would refuse it after them).
      return new WriteResult(RowOutcome.failed(SqlState.DISK_FULL, "the data directory cannot"
          + " take writes (" + refusal + "); the write was not applied. Free space there and"
          + " retry; reads are served meanwhile"));
    }
    byte[] old = entry.getValue();
    StoredRow row = old == null ? StoredRow.EMPTY : RowFormat.decode(old);
    OwnerWrite write = sweep ? OwnerWrite.sweep(resolution, ttlColumn, now)
        : new OwnerWrite(kind, resolution, columns, values, schema, computed, condition,
            ttlColumn, now);
    OwnerWrite.Result r = write.apply(row, entry.getKey(), clock, PinRef.resolve(pin, residency, tableId),
        residency == null ? null : residency.region());
    if (r.stored() != null) {
      store(entry, r.stored());
    }
    return r.result();
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
      out.writeByteArray(values[i] == null ? new byte[0] : values[i]);
    }
    PinRef.write(out, pin);
    out.writeInt(ttlColumn);
    out.writeLong(now);
    out.writeBoolean(sweep);
    out.writeBoolean(schema != null);
    if (schema != null) {
      ByteBuf buf = Unpooled.buffer();
      try {
        Schemas.write(buf, schema);
        buf.writeByte(condition == null ? 0 : 1);
        if (condition != null) {
          RowExprs.write(buf, condition);
        }
        buf.writeByte(computed == null ? 0 : 1);
        if (computed != null) {
          for (RowExpr e : computed) {
            buf.writeByte(e == null ? 0 : 1);
            if (e != null) {
              RowExprs.write(buf, e);
            }
          }
        }
        out.writeByteArray(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
    }
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
    ttlColumn = in.readInt();
    now = in.readLong();
    sweep = in.readBoolean();
    if (in.readBoolean()) {
      ByteBuf buf = Unpooled.wrappedBuffer(in.readByteArray());
      try {
        schema = Schemas.read(buf);
        condition = buf.readByte() == 1 ? RowExprs.read(buf) : null;
        if (buf.readByte() == 1) {
          computed = new RowExpr[n];
          for (int i = 0; i < n; i++) {
            computed[i] = buf.readByte() == 1 ? RowExprs.read(buf) : null;
          }
        }
      } catch (RuntimeException e) {
        throw new IOException("bad computed write: " + e.getMessage(), e);
      } finally {
        buf.release();
      }
    }
  }
}
