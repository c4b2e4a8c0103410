package dev.meridian.peer.internal.replication;

import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.peer.internal.replication.ReplicationSimulation.Table;
import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.RowMerge;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.peer.internal.storage.ApplyProcessor;
import dev.meridian.peer.internal.storage.CatalogMerge;
import dev.meridian.peer.internal.storage.ConflictLog;
import dev.meridian.peer.internal.storage.FragmentApply;
import dev.meridian.peer.internal.storage.JournalProjection;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.ChangeRecord;
import dev.meridian.protocol.wire.KeyBytes;
import dev.meridian.peer.internal.storage.OwnerWrite;
import dev.meridian.peer.internal.storage.Residency;
import dev.meridian.peer.internal.storage.TombstonePurge;
import com.hazelcast.core.EntryEventType;
import com.hazelcast.map.EventJournalMapEvent;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.wire.RowExpr;
import dev.meridian.protocol.wire.WriteKind;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One simulated region: a model of its Hazelcast storage (table rows, per-partition event
 * journals, the link positions map), its {@link HybridClock}, and its peers, each running one
 * real {@link LinkSender} per other region.
 *
 * <p>Writes and applies mirror {@code WriteProcessor} and {@code ApplyProcessor} with the real
 * {@link RowMerge}, {@link StoredRow} and {@link RowFormat}; journal reads mirror
 * {@code JournalFilter} and {@code JournalProjection}. Each partition has an owner's copy and,
 * while a second peer is live, a backup copy written synchronously before a write is
 * acknowledged; a crashed owner's partitions are taken over by their backups. A region whose
 * every peer crashed keeps what it stored (persistence); only {@link #wipe()} empties it, and the
 * region then comes back under a new epoch. Not thread-safe: everything runs on the simulation's
 * loop.
 */
final class SimRegion implements ChangeSource {

  /** A peer of the region: a process that owns some partitions and runs their links. */
  static final class Peer {
    final int index;
    boolean up = true;
    int incarnation;
    Set<StreamId> owned = Set.of();
    final Map<String, LinkSender> senders = new LinkedHashMap<>();

    Peer(int index) {
      this.index = index;
    }
  }

  private record Entry(byte[] key, byte[] old, byte[] now) {}

  /** A journal entry as Hazelcast's event journal hands it to the projection. */
  private record JournalEvent(Entry entry) implements EventJournalMapEvent<byte[], byte[]> {
    @Override
    public byte[] getKey() {
      return entry.key();
    }

    @Override
    public byte[] getNewValue() {
      return entry.now();
    }

    @Override
    public byte[] getOldValue() {
      return entry.old();
    }

    @Override
    public EntryEventType getType() {
      return entry.old() == null ? EntryEventType.ADDED : EntryEventType.UPDATED;
    }

    @Override
    public boolean isAfterLostEvents() {
      return false;
    }
  }

  /** A stream's event journal: the newest {@code capacity} entries, numbered from 0. */
  private static final class Journal {
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    long head;

    long tail() {
      return head + entries.size();
    }

    void append(Entry e, int capacity) {
      entries.addLast(e);
      if (entries.size() > capacity) {
        entries.removeFirst();
        head++;
      }
    }

    Journal copy() {
      Journal c = new Journal();
      c.entries.addAll(entries);
      c.head = head;
      return c;
    }
  }

  final String name;
  final int id;
  final List<Peer> peers = new ArrayList<>();
  /**
   * What this region's applies threw away, as the owners' conflict logs would hold it; lost
   * with the region's data when it is wiped, as the peers' logs are.
   */
  ConflictLog conflicts = newConflictLog();
  long epoch;
  /** Bumped when the region loses its storage; requests sent by an older one are dropped. */
  int incarnation;
  boolean wiped;
  /** Storage calls failed by injection. */
  long storageFailures;
  long skewMillis;
  /** A clock wrong by far more than any skew (hours); 0 for most regions. */
  long aheadMillis;
  HybridClock clock;
  /** Rows stored (by writes or applies) over the run: the simulation's sign of activity. */
  long stores;
  long historyGone;
  /** Deleted rows removed by tombstone purging. */
  long purged;

  private final ReplicationSimulation sim;
  private final Map<StreamId, NavigableMap<ByteBuffer, byte[]>> rows = new HashMap<>();
  private final Map<StreamId, Journal> journals = new HashMap<>();
  /**
   * Per stream, the backup copy (rows and journal) that a second live peer holds, as Hazelcast's
   * synchronous backup; none while the region has a single live peer.
   */
  private final Map<StreamId, NavigableMap<ByteBuffer, byte[]>> backupRows = new HashMap<>();
  private final Map<StreamId, Journal> backupJournals = new HashMap<>();
  private final Map<StreamId, Peer> backupHolders = new HashMap<>();
  /** Partitions whose backup took over from a crashed owner. */
  long backupsPromoted;
  /** This region's view of the residency rules, as every peer of it holds one. */
  final Residency residency;
  /** Writes refused because this region may not hold the row they would make (23M01). */
  long refusals;
  /** Writes that moved their row to another set of regions. */
  long moves;
  /** Records an apply refused to store because this region may not hold the merged row. */
  long appliesRefused;
  private final Map<String, Long> positions = new HashMap<>();
  /** The region's catalog: per table id its current definition (kept across a wipe). */
  private final Map<Long, TableSchema> catalog = new HashMap<>();
  /** Batches refused because a record had a cell of a column this region did not know yet. */
  long heldForCatalog;

  SimRegion(ReplicationSimulation sim, String name, int peerCount, long epoch, long skewMillis) {
    this.sim = sim;
    this.name = name;
    this.id = Stamp.regionId(name);
    this.epoch = epoch;
    this.skewMillis = skewMillis;
    this.clock = newClock();
    this.residency = new Residency(name, "simulation", ReplicationSimulation.RESIDENCY);
    for (Table t : ReplicationSimulation.TABLES) {
      catalog.put(t.id(), ReplicationSimulation.initialSchema(t));
    }
    for (int i = 0; i < peerCount; i++) {
      peers.add(new Peer(i));
    }
  }

  private HybridClock newClock() {
    return new HybridClock(id, HybridClock.DEFAULT_MAX_OFFSET_MS, this::physicalMillis);
  }

  /** This region's wall clock: simulated time plus its skew. */
  long physicalMillis() {
    return ReplicationSimulation.BASE_MILLIS + sim.loop.now() + skewMillis + aheadMillis;
  }

  /** Whether the region serves: not wiped and at least one peer up. */
  boolean up() {
    if (wiped) {
      return false;
    }
    for (Peer p : peers) {
      if (p.up) {
        return true;
      }
    }
    return false;
  }

  // ---- catalog ---------------------------------------------------------------------------

  /** This region's definition of a table. */
  TableSchema schema(long tableId) {
    return catalog.get(tableId);
  }

  /** How a table is pinned in this region, or null when its rows may live anywhere. */
  Residency.Pin pin(long tableId) {
    return residency.pin(schema(tableId));
  }

  /** Takes another definition of a table if it wins by the catalogs' rule. */
  void adoptSchema(TableSchema theirs) {
    TableSchema ours = catalog.get(theirs.tableId());
    if (CatalogMerge.theirsWins(ours, theirs)) {
      catalog.put(theirs.tableId(), theirs);
      sim.trace("%s adopts %s", name, theirs);
    }
  }

  /** What a catalog exchange does on a link's connect: each side adopts the other's tables. */
  void exchangeCatalogs(SimRegion other) {
    for (TableSchema t : List.copyOf(other.catalog.values())) {
      adoptSchema(t);
    }
    for (TableSchema t : List.copyOf(catalog.values())) {
      other.adoptSchema(t);
    }
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Starts every peer's links. */
  void start() {
    for (Peer p : peers) {
      if (p.up) {
        startSenders(p);
      }
    }
    reassign();
  }

  /**
   * A peer dies: its links' state and its copies of partitions are lost. Where another live peer
   * holds the backup of a partition it owned, that backup takes over; when it was the last live
   * peer, the region keeps what it stored (a restart with persistence). The positions survive.
   */
  void crash(Peer p) {
    sim.trace("%s peer %d crashes", name, p.index);
    stopSenders(p);
    p.up = false;
    for (StreamId stream : p.owned) {
      Peer holder = backupHolders.get(stream);
      if (holder != null && holder.up) {
        sim.trace("%s peer %d's backup of %s takes over", name, holder.index, stream);
        rows.put(stream, backupRows.remove(stream));
        journals.put(stream, backupJournals.remove(stream));
        backupHolders.remove(stream);
        backupsPromoted++;
      }
    }
    backupHolders.values().removeIf(holder -> holder == p);
    sim.network.peerDied(this);
    reassign();
  }

  /** A crashed peer comes back with fresh links, which resume from the stored positions. */
  void restart(Peer p) {
    if (p.up || wiped) {
      return;
    }
    sim.trace("%s peer %d restarts", name, p.index);
    p.up = true;
    startSenders(p);
    reassign();
  }

  /** Every peer dies at once: the storage, journals and positions are gone. */
  void wipe() {
    sim.trace("%s loses every peer and its data", name);
    sim.model.regionLost(this, sim.regions);
    for (Peer p : peers) {
      if (p.up) {
        stopSenders(p);
        p.up = false;
      }
    }
    wiped = true;
    sim.network.peerDied(this);
    incarnation++;
    rows.clear();
    journals.clear();
    backupRows.clear();
    backupJournals.clear();
    backupHolders.clear();
    positions.clear();
    conflicts = newConflictLog();
    epoch = sim.network.newEpoch();
  }

  private static ConflictLog newConflictLog() {
    return new ConflictLog(1_000_000, Long.MAX_VALUE / 2);
  }

  /** Restarts a wiped region empty, under its new epoch; the others backfill it by repair. */
  void restartEmpty() {
    if (!wiped) {
      return;
    }
    sim.trace("%s restarts empty, epoch %d", name, epoch);
    wiped = false;
    // A new process has a new clock. The wipe lasted longer than twice the maximum skew, so its
    // physical time is past every stamp the old incarnation issued: no stamp is reused.
    clock = newClock();
    for (Peer p : peers) {
      p.up = true;
      startSenders(p);
    }
    reassign();
  }

  private void startSenders(Peer p) {
    p.incarnation++;
    for (SimRegion target : sim.regions) {
      if (target != this) {
        LinkTransport transport = sim.network.transport(this, target);
        LinkSender sender = new LinkSender(target.name, this, positionsFor(p), transport,
            sim.settings, sim.loop, (task, delay) -> sim.loop.after(delay, task),
            this::physicalMillis);
        p.senders.put(target.name, sender);
      }
    }
  }

  private void stopSenders(Peer p) {
    for (LinkSender s : p.senders.values()) {
      s.close();
    }
    p.senders.clear();
    p.incarnation++;
  }

  /** Spreads the streams over the live peers, as Hazelcast migrates partitions. */
  void reassign() {
    List<Peer> live = new ArrayList<>();
    for (Peer p : peers) {
      if (p.up) {
        live.add(p);
      }
    }
    for (Peer p : peers) {
      p.owned = new HashSet<>();
    }
    if (live.isEmpty()) {
      return;
    }
    for (int i = 0; i < sim.streams.size(); i++) {
      StreamId stream = sim.streams.get(i);
      live.get(i % live.size()).owned.add(stream);
      Peer holder = live.size() < 2 ? null : live.get((i + 1) % live.size());
      if (holder == null) {
        backupHolders.remove(stream);
        backupRows.remove(stream);
        backupJournals.remove(stream);
      } else if (backupHolders.get(stream) != holder) {
        // A new backup replica is copied from the owner's, as Hazelcast replicates on migration.
        backupHolders.put(stream, holder);
        backupRows.put(stream, new TreeMap<>(rows.getOrDefault(stream, new TreeMap<>())));
        backupJournals.put(stream, journals.getOrDefault(stream, new Journal()).copy());
      }
    }
    sweep();
  }

  /** The periodic sweep, as {@code Replicator} runs it: hands each link the streams it owns. */
  void sweep() {
    for (Peer p : peers) {
      if (p.up) {
        for (LinkSender s : p.senders.values()) {
          s.retain(p.owned);
        }
      }
    }
  }

  private Peer owner(StreamId stream) {
    for (Peer p : peers) {
      if (p.up && p.owned.contains(stream)) {
        return p;
      }
    }
    return null;
  }

  // ---- storage ---------------------------------------------------------------------------

  StreamId stream(long tableId, byte[] key) {
    return new StreamId(tableId, KeyBytes.partition(key, sim.partitions));
  }

  /** The stored bytes of a row, or null. */
  byte[] row(long tableId, byte[] key) {
    NavigableMap<ByteBuffer, byte[]> map = rows.get(stream(tableId, key));
    return map == null ? null : map.get(ByteBuffer.wrap(key));
  }

  /** Every stored row of a stream's partition, in key order. */
  List<AntiEntropy.Row> rowsOf(StreamId stream) {
    NavigableMap<ByteBuffer, byte[]> map = rows.get(stream);
    List<AntiEntropy.Row> out = new ArrayList<>();
    if (map != null) {
      for (Map.Entry<ByteBuffer, byte[]> e : map.entrySet()) {
        out.add(new AntiEntropy.Row(e.getKey().array(), e.getValue()));
      }
    }
    return out;
  }

  /** Everything stored, for comparing replicas: stream to key to bytes. */
  Map<StreamId, NavigableMap<ByteBuffer, byte[]>> contents() {
    Map<StreamId, NavigableMap<ByteBuffer, byte[]>> out = new TreeMap<>(
        (a, b) -> a.tableId() != b.tableId() ? Long.compare(a.tableId(), b.tableId())
            : Integer.compare(a.partition(), b.partition()));
    rows.forEach((stream, map) -> {
      if (!map.isEmpty()) {
        out.put(stream, map);
      }
    });
    return out;
  }

  /**
   * Removes a row, as a Hazelcast map removal: journaled, and skipped by the journal's filter,
   * which ships no removal.
   */
  private void remove(StreamId stream, byte[] key) {
    byte[] old = rows.computeIfAbsent(stream, s -> new TreeMap<>()).remove(ByteBuffer.wrap(key));
    journals.computeIfAbsent(stream, s -> new Journal())
        .append(new Entry(key, old, null), sim.journalCapacity);
    stores++;
  }

  /**
   * The synchronous backup of a change the owner made, before it is acknowledged: the backup
   * replica sets exactly the bytes the owner stored (null: removed), as {@code BackupWrite} and
   * the purge's backup do, and journals it as the owner did.
   */
  private void backup(StreamId stream, byte[] key, byte[] now) {
    NavigableMap<ByteBuffer, byte[]> copy = backupRows.get(stream);
    if (copy == null) {
      return;
    }
    byte[] old = now == null ? copy.remove(ByteBuffer.wrap(key))
        : copy.put(ByteBuffer.wrap(key), now);
    backupJournals.get(stream).append(new Entry(key, old, now), sim.journalCapacity);
  }

  /** Stores a row and journals the change, as a Hazelcast map update with an event journal. */
  private void store(StreamId stream, byte[] key, byte[] old, byte[] now) {
    Residency.Pin pin = pin(stream.tableId());
    if (pin != null) {
      StoredRow stored = RowFormat.decode(now);
      if (stored.isVisible() && !Residency.contains(pin.allowed(stored, key), name)) {
        throw new AssertionError(name + " stores " + stored + " of " + pin.table()
            + ", which may live only in " + pin.allowed(stored, key));
      }
    }
    rows.computeIfAbsent(stream, s -> new TreeMap<>()).put(ByteBuffer.wrap(key), now);
    journals.computeIfAbsent(stream, s -> new Journal())
        .append(new Entry(key, old, now), sim.journalCapacity);
    stores++;
  }

  /**
   * A client's write, as {@code WriteProcessor} runs it on the partition owner: the existence
   * check of its kind, a stamp above every stamp the row holds, the merge, the store, and the
   * change signal to the owner's links. Returns false when the write did nothing.
   */
  boolean write(Table table, long keyValue) {
    byte[] key = KeyBytes.encode(new Object[] {keyValue});
    StreamId stream = stream(table.id(), key);
    Peer owner = owner(stream);
    if (!up() || owner == null) {
      return false;
    }
    byte[] old = row(table.id(), key);
    StoredRow row = old == null ? StoredRow.EMPTY : RowFormat.decode(old);
    boolean visible = row.isVisible();
    WriteKind kind;
    OwnerWrite write;
    long delta = 0;
    if (table.id() == ReplicationSimulation.COUNTER_TABLE.id()) {
      // Increments only (no deletes), so that the converged counter must equal their sum.
      if (!visible) {
        kind = WriteKind.UPSERT;
        write = new OwnerWrite(kind, table.resolution(), new int[] {0},
            new byte[][] {Cell.encode(keyValue)}, null, null, null);
      } else {
        kind = WriteKind.UPDATE;
        delta = sim.choices.between(-5, 20);
        write = new OwnerWrite(kind, table.resolution(), new int[] {0, 1},
            new byte[][] {Cell.encode(keyValue), null}, ReplicationSimulation.COUNTER_SCHEMA,
            new RowExpr[] {null, RowExpr.Call.of(RowExpr.Fn.ADD, new RowExpr.Column(1),
                new RowExpr.Literal(delta))}, null);
      }
    } else {
      int choice = sim.choices.between(0, 9);
      kind = choice >= 8 ? WriteKind.DELETE : choice == 7 ? WriteKind.INSERT
          : choice >= 5 ? WriteKind.UPDATE : WriteKind.UPSERT;
      Map<Integer, byte[]> cells = new TreeMap<>();
      if (kind != WriteKind.DELETE) {
        cells.put(0, Cell.encode(keyValue));
        // Only the columns this region's definition has live, as a client planned on it writes.
        TableSchema schema = schema(table.id());
        for (int c : schema.visibleColumnIds()) {
          if (c != 0 && (kind == WriteKind.INSERT || sim.choices.percent(50))) {
            boolean deciding = table.id() == ReplicationSimulation.PINNED_TABLE.id() && c == 1;
            cells.put(c, Cell.encode(deciding ? home() : value()));
          }
        }
      }
      int[] columns = new int[cells.size()];
      byte[][] values = new byte[cells.size()][];
      int i = 0;
      for (Map.Entry<Integer, byte[]> e : cells.entrySet()) {
        columns[i] = e.getKey();
        values[i++] = e.getValue();
      }
      write = new OwnerWrite(kind, table.resolution(), columns, values, null, null, null);
    }
    // The write path's own decisions: existence, stamp, computed values, merge, residency.
    Residency.Pin pin = pin(table.id());
    OwnerWrite.Result result = write.apply(row, key, clock, pin, name);
    if (result.moved() != null) {
      return moveOut(table, key, result);
    }
    if (result.stored() == null) {
      if (result.outcome().state() == SqlState.RESIDENCY_VIOLATION) {
        refusals++;
        sim.trace("%s refuses %d of %s: %s", name, keyValue, table, result.outcome().message());
      }
      return false;
    }
    StoredRow fragment = result.fragment();
    boolean movedHere = fragment == null;
    if (movedHere) {
      // A move within this region: a tombstone and the whole row restamped above it.
      StoredRow moved = RowFormat.decode(result.stored());
      fragment = StoredRow.of(moved.tombstone(), moved.visibleCells());
      moves++;
      sim.model.acknowledged(name, table, key, StoredRow.deleted(moved.tombstone()), true);
    }
    if (!fragment.maxStamp().after(row.maxStamp())) {
      throw new AssertionError(this + " stamped " + fragment.maxStamp() + " on a row holding "
          + row.maxStamp());
    }
    store(stream, key, old, result.stored());
    backup(stream, key, result.stored());
    if (table.id() == ReplicationSimulation.COUNTER_TABLE.id()) {
      sim.model.incremented(name, key, delta);
    } else {
      StoredRow written = movedHere ? StoredRow.of(null, fragment.cells()) : fragment;
      sim.model.acknowledged(name, table, key, written, kind == WriteKind.DELETE);
      if (pin != null && kind != WriteKind.DELETE) {
        sim.pinnedTo(table.id(), key, pin.allowed(RowFormat.decode(result.stored()), key));
      }
    }
    sim.trace("%s writes %s %d: %s", name, table.resolution(), keyValue, fragment);
    for (LinkSender s : owner.senders.values()) {
      s.changed(stream);
    }
    return true;
  }

  /**
   * A move out of this region, as {@code StorageRequestHandler} finishes one: the whole row
   * stored in every region it may now live in, then the tombstone stored here, which the links
   * carry to the regions it lived in. Modelled as one step that fails whole when a new region
   * cannot be reached (the peers report such a failure to the client and may have stored the
   * row in some regions; not modelled).
   */
  private boolean moveOut(Table table, byte[] key, OwnerWrite.Result result) {
    List<SimRegion> targets = new ArrayList<>();
    for (SimRegion r : sim.regions) {
      if (result.movedTo().contains(r.name)) {
        if (r == this || !sim.network.reachable(this, r)) {
          return false;
        }
        targets.add(r);
      }
    }
    ChangeRecord moved = new ChangeRecord(table.id(), key, result.moved());
    for (SimRegion r : targets) {
      r.apply(List.of(moved));
    }
    StoredRow tombstone = StoredRow.deleted(result.moveTombstone());
    apply(List.of(new ChangeRecord(table.id(), key, RowFormat.encode(tombstone))));
    moves++;
    StoredRow row = RowFormat.decode(result.moved());
    sim.model.acknowledged(name, table, key, tombstone, true);
    sim.model.acknowledged(name, table, key, StoredRow.of(null, row.visibleCells()), false);
    sim.pinnedTo(table.id(), key, pin(table.id()).allowed(row, key));
    sim.trace("%s moves %s of %s to %s", name, row, table, targets);
    return true;
  }

  /** A value of the pinned table's deciding column. */
  private String home() {
    return switch (sim.choices.between(0, 2)) {
      case 0 -> "a";
      case 1 -> "b";
      default -> "c";
    };
  }

  private Object value() {
    return switch (sim.choices.between(0, 3)) {
      case 0 -> null;
      case 1 -> (long) sim.choices.between(0, 9);
      case 2 -> "v" + sim.choices.between(0, 9);
      default -> Boolean.TRUE;
    };
  }

  /** Fails unless the region is of the epoch a link believes it is (a target's check). */
  void checkEpoch(long expected) {
    if (expected != epoch) {
      throw new SimNetwork.Fault(name + " is at epoch " + epoch + ", not " + expected);
    }
  }

  /**
   * Applies change records from another region with {@link FragmentApply}, as
   * {@code ApplyProcessor} does: merge, advance the clock past the fragment, store (and journal)
   * only when the bytes changed, and signal the owner's links when the apply changed the
   * region's own-origin part.
   */
  LinkTransport.Ack apply(List<ChangeRecord> records) {
    for (ChangeRecord r : records) {
      // As LinkReceiver: a record written under a later definition than this region holds is
      // refused with its batch, which the link resends after reconnecting (exchanging catalogs).
      if (FragmentCheck.newerColumn(schema(r.tableId()), r) >= 0) {
        heldForCatalog++;
        throw new SimNetwork.Fault(name + " does not know a column of a record of "
            + Long.toHexString(r.tableId()) + " yet");
      }
    }
    int skew = 0;
    for (ChangeRecord r : records) {
      Table table = sim.table(r.tableId());
      StreamId stream = stream(r.tableId(), r.key());
      byte[] old = row(r.tableId(), r.key());
      StoredRow row = old == null ? StoredRow.EMPTY : RowFormat.decode(old);
      StoredRow incoming = RowFormat.decode(r.row());
      FragmentApply.Outcome applied = FragmentApply.apply(row, incoming, table.resolution(),
          Residency.mayHold(pin(r.tableId()), name, r.key()), clock);
      boolean refused = (applied.flags() & ApplyProcessor.REFUSED) != 0;
      if (refused) {
        appliesRefused++;
      }
      // A refused record throws nothing away: its cells were never this region's to hold.
      List<FragmentApply.Discarded> expected = refused ? List.of()
          : ConflictOracle.discarded(row, incoming, table.resolution());
      if (!new HashSet<>(expected).equals(new HashSet<>(applied.discarded()))
          || expected.size() != applied.discarded().size()) {
        throw new AssertionError(name + " applying " + incoming + " to " + row + " reported "
            + applied.discarded() + " thrown away; the rules say " + expected);
      }
      conflicts.record(r.tableId(), r.key(), applied.discarded(), physicalMillis());
      if ((applied.flags() & ApplyProcessor.SKEW) != 0) {
        skew++;
      }
      byte[] bytes = RowFormat.encode(applied.merged());
      if (old == null || !Arrays.equals(old, bytes)) {
        store(stream, r.key(), old, bytes);
        backup(stream, r.key(), bytes);
        Peer owner = owner(stream);
        if (owner != null && applied.ownPartChanged()) {
          for (LinkSender s : owner.senders.values()) {
            s.changed(stream);
          }
        }
      }
    }
    return new LinkTransport.Ack(physicalMillis(), 0, skew);
  }

  // ---- tombstone purging -----------------------------------------------------------------

  /**
   * This region's horizon, as {@code Replicator} reports it: through {@link TombstonePurge}, the
   * least shipped-through time of the links of every live peer.
   */
  long horizon() {
    List<Long> figures = new ArrayList<>();
    for (Peer p : peers) {
      if (p.up) {
        for (LinkSender s : p.senders.values()) {
          figures.add(s.shippedThroughMillis());
        }
      }
    }
    return TombstonePurge.horizon(figures.stream().mapToLong(Long::longValue));
  }

  /**
   * One purge pass, as {@code Replicator} runs it: this region's horizon, then each other
   * region's, asked over the network (any that cannot answer holds the pass back), the cutoff
   * and the candidate rows from {@link TombstonePurge}, and each removal a little later on the
   * owner, which removes the row only if it is still the deleted row chosen.
   */
  void purge() {
    if (!up()) {
      return;
    }
    long own = horizon();
    List<SimRegion> others = new ArrayList<>(sim.regions);
    others.remove(this);
    askHorizons(others, 0, new long[others.size()], own);
  }

  private void askHorizons(List<SimRegion> others, int i, long[] theirs, long own) {
    if (i == others.size()) {
      purgeBelow(TombstonePurge.cutoff(own, Arrays.stream(theirs), sim.graceMillis));
      return;
    }
    SimRegion other = others.get(i);
    int asker = incarnation;
    sim.loop.after(sim.network.latency(), () -> {
      if (!sim.network.reachable(this, other)) {
        return;
      }
      long answer = other.horizon();
      sim.loop.after(sim.network.latency(), () -> {
        if (asker == incarnation && sim.network.reachable(this, other)) {
          theirs[i] = answer;
          askHorizons(others, i + 1, theirs, own);
        }
      });
    });
  }

  private void purgeBelow(long cutoff) {
    if (cutoff == TombstonePurge.NONE || !up()) {
      return;
    }
    for (StreamId stream : sim.streams) {
      if (owner(stream) == null) {
        continue;
      }
      for (AntiEntropy.Row candidate : rowsOf(stream)) {
        StoredRow chosen = RowFormat.decode(candidate.row());
        if (!TombstonePurge.purgeable(chosen, cutoff)) {
          continue;
        }
        int chosenIn = incarnation;
        sim.loop.after(sim.choices.between(0, 3), () -> {
          byte[] now = row(stream.tableId(), candidate.key());
          if (chosenIn == incarnation && now != null && TombstonePurge.stillChosen(
              RowFormat.decode(now), chosen.tombstone().hlc(), chosen.tombstone().origin())) {
            sim.trace("%s purges %s of %s", name, chosen, Arrays.toString(candidate.key()));
            remove(stream, candidate.key());
            backup(stream, candidate.key(), null);
            purged++;
          }
        });
      }
    }
  }

  // ---- ChangeSource ----------------------------------------------------------------------

  @Override
  public CompletionStage<Slice> read(StreamId stream, long from, int max) {
    return later(() -> {
      Journal j = journals.computeIfAbsent(stream, s -> new Journal());
      if (from < j.head || from > j.tail()) {
        historyGone++;
        throw new HistoryGoneException(name + " journal of " + stream + " holds [" + j.head
            + ", " + j.tail() + "), not " + from);
      }
      List<Change> changes = new ArrayList<>();
      int n = 0;
      long seq = j.head;
      for (Entry e : j.entries) {
        if (seq++ < from) {
          continue;
        }
        if (n == max) {
          break;
        }
        n++;
        if (e.now() == null) {
          // JournalFilter: removals (purged rows) are not shipped.
          continue;
        }
        // JournalProjection on the owner: only entries that changed what this region's writes
        // made of the row, and only that part; JournalSource then says where it may go. Its
        // byte encoding is spared where no residency rule needs the deciding values.
        Residency.Pin pin = pin(stream.tableId());
        if (pin == null) {
          StoredRow after = JournalProjection.shipped(
              e.old() == null ? null : RowFormat.decode(e.old()), RowFormat.decode(e.now()), id);
          if (after != null) {
            changes.add(new Change(new ChangeRecord(stream.tableId(), e.key(),
                RowFormat.encode(after)), after.maxStamp().millis()));
          }
          continue;
        }
        JournalProjection projection = pin == null || pin.byKey() ? new JournalProjection(id)
            : new JournalProjection(id, pin.column());
        byte[] projected = projection.apply(new JournalEvent(e));
        if (JournalProjection.isSkipped(projected)) {
          continue;
        }
        JournalProjection.Projected p = JournalProjection.decode(projected);
        ChangeRecord record = new ChangeRecord(stream.tableId(), p.key(), p.row());
        changes.add(new Change(record, p.commitMillis(), JournalSource.reach(pin, record, p)));
      }
      return new Slice(changes, from + n, n);
    });
  }

  @Override
  public CompletionStage<Long> tail(StreamId stream) {
    return later(() -> journals.computeIfAbsent(stream, s -> new Journal()).tail());
  }

  /** The rows a repair from {@code from} to this region covers, as {@code LinkReceiver} has it. */
  AntiEntropy.Scope repairScope(long tableId, SimRegion from) {
    return Residency.scope(pin(tableId), from.name, name);
  }

  /** Reads this region's rows of a partition for a repair it runs. */
  CompletionStage<List<AntiEntropy.Row>> readRows(StreamId stream) {
    return later(() -> rowsOf(stream));
  }

  /** The positions map as one peer incarnation sees it. */
  private PositionStore positionsFor(Peer peer) {
    int peerIncarnation = peer.incarnation;
    return new PositionStore() {
      @Override
      public CompletionStage<Long> load(String target, long targetEpoch, StreamId stream) {
        return later(() -> positions.get(target + "/" + targetEpoch + "/" + stream));
      }

      @Override
      public CompletionStage<Void> store(String target, long targetEpoch, StreamId stream,
          long position) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int regionIncarnation = incarnation;
        sim.loop.after(sim.choices.between(0, 20), () -> {
          // A store in flight when its peer died may or may not have reached the map; none
          // from before a wipe lands in the new, empty one.
          if (regionIncarnation != incarnation
              || (peerIncarnation != peer.incarnation && sim.choices.percent(50))) {
            return;
          }
          positions.merge(target + "/" + targetEpoch + "/" + stream, position, Math::max);
          done.complete(null);
        });
        return done;
      }

    };
  }

  /** Runs a storage call a little later on the loop; now and then it fails while faulty. */
  private <T> CompletionStage<T> later(Supplier<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    sim.loop.after(sim.choices.between(0, 3), () -> {
      if (sim.network.faulty() && sim.choices.percent(sim.storageFailPercent)) {
        storageFailures++;
        f.completeExceptionally(new SimNetwork.Fault(name + " storage call failed"));
        return;
      }
      try {
        f.complete(call.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Override
  public String toString() {
    return name;
  }
}
