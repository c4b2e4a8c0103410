package dev.meridian.peer.internal.replication;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.journal.EventJournalInitialSubscriberState;
import com.hazelcast.internal.journal.EventJournalReader;
import com.hazelcast.internal.util.ConcurrencyUtil;
import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.StaleSequenceException;
import dev.meridian.peer.internal.storage.JournalFilter;
import dev.meridian.peer.internal.storage.JournalProjection;
import dev.meridian.peer.internal.storage.RegionReplica;
import dev.meridian.peer.internal.storage.Residency;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.protocol.types.Stamp;
import java.util.Set;
import dev.meridian.protocol.wire.ChangeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The region's change streams over Hazelcast's map event journal, one journal per table map
 * ({@code t.<id>}), one ring per partition, kept on the partition owner and its backups like
 * the rows. Why the journal rather than an outbox map of our own: it is written in the same
 * partition operation as the row (no second write that could fail separately), it is ordered
 * per partition, and it is bounded, which is exactly the "history gone, repair" case the link
 * must handle anyway. The public route to it is Jet's {@code Sources.mapJournal}; a Jet job per
 * link would be heavy, so this reads it through {@link EventJournalReader}, the internal
 * interface Jet itself uses, which Hazelcast's map proxy implements.
 *
 * <p>Reads pass {@link JournalFilter} and {@link JournalProjection} to the partition owner, so
 * only this region's own changes cross the wire. For a table with a residency rule each change
 * carries its {@link Change.Reach}: where the row may live now and where it lived before the
 * change, so links ship it only there. Thread-safe.
 */
public final class JournalSource implements ChangeSource {
  private final HazelcastInstance hazelcast;
  private final JournalFilter filter;
  private final JournalProjection projection;
  private final int regionId;
  private final RegionReplica replica;

  /** A source without residency rules (every change may go everywhere). */
  public JournalSource(HazelcastInstance hazelcast, int regionId) {
    this(hazelcast, regionId, null);
  }

  /** A source that applies the residency rules of {@code replica}'s region. */
  public JournalSource(HazelcastInstance hazelcast, int regionId, RegionReplica replica) {
    this.hazelcast = hazelcast;
    this.filter = new JournalFilter();
    this.projection = new JournalProjection(regionId);
    this.regionId = regionId;
    this.replica = replica;
  }

  @SuppressWarnings("unchecked")
  private EventJournalReader<EventJournalMapEvent<byte[], byte[]>> journal(long tableId) {
    return (EventJournalReader<EventJournalMapEvent<byte[], byte[]>>)
        (Object) hazelcast.getMap("t." + tableId);
  }

  @Override
  public CompletionStage<Slice> read(StreamId stream, long from, int max) {
    if (replica == null || replica.residency().isEmpty()) {
      return read(stream, from, max, null);
    }
    return replica.table(stream.tableId()).thenCompose(schema -> read(stream, from, max,
        schema == null ? null : replica.residency().pin(schema)));
  }

  private CompletionStage<Slice> read(StreamId stream, long from, int max, Residency.Pin pin) {
    CompletableFuture<Slice> out = new CompletableFuture<>();
    CompletionStage<ReadResultSet<byte[]>> read;
    JournalProjection project = pin == null || pin.byKey() ? projection
        : new JournalProjection(regionId, pin.column());
    try {
      read = journal(stream.tableId()).readFromEventJournal(from, 0, max, stream.partition(),
          filter, project);
    } catch (RuntimeException e) {
      out.completeExceptionally(translate(e, stream, from));
      return out;
    }
    read.whenCompleteAsync((result, error) -> {
      if (error != null) {
        out.completeExceptionally(translate(error, stream, from));
        return;
      }
      if (result.readCount() == 0) {
        // Nothing to read: Hazelcast then leaves the next sequence unset (0), and it answers
        // the same way for a position beyond the end. The journal's bounds tell them apart.
        // This runs on Hazelcast's response thread, which may not call a partition: hop.
        ConcurrencyUtil.getDefaultAsyncExecutor().execute(() -> nothingRead(stream, from, out));
        return;
      }
      // Hazelcast does not fail a read whose start has fallen out of the journal: it silently
      // starts at the oldest entry it holds. Entries read count in readCount whether the
      // filter kept them or not, so where the read really started shows what was skipped.
      long start = result.getNextSequenceToReadFrom() - result.readCount();
      if (start != from) {
        out.completeExceptionally(new HistoryGoneException("journal of " + stream
            + " starts at " + start + ", after " + from));
        return;
      }
      try {
        List<Change> changes = new ArrayList<>(result.size());
        for (byte[] bytes : result) {
          if (JournalProjection.isSkipped(bytes)) {
            continue;
          }
          JournalProjection.Projected p = JournalProjection.decode(bytes);
          ChangeRecord record = new ChangeRecord(stream.tableId(), p.key(), p.row());
          changes.add(new Change(record, p.commitMillis(), reach(pin, record, p)));
        }
        out.complete(new Slice(changes, result.getNextSequenceToReadFrom(), result.readCount()));
      } catch (RuntimeException e) {
        out.completeExceptionally(e);
      }
    }, Runnable::run);
    return out;
  }

  /**
   * Where a change of a pinned table may go; null when the table is not pinned. The replication
   * simulation decides by it too.
   */
  static Change.Reach reach(Residency.Pin pin, ChangeRecord record,
      JournalProjection.Projected p) {
    if (pin == null) {
      return null;
    }
    if (pin.byKey()) {
      // The key decides and never changes: the row, tombstone included, goes where it may live.
      return new Change.Reach(pin.allowedForKey(p.key()), Residency.NOWHERE, null);
    }
    Set<String> now = (p.flags() & JournalProjection.IS_VISIBLE) != 0
        ? pin.allowedForEncoded(p.newValue()) : Residency.NOWHERE;
    Set<String> before = (p.flags() & JournalProjection.WAS_VISIBLE) != 0
        ? pin.allowedForEncoded(p.oldValue()) : Residency.NOWHERE;
    Stamp tombstone = RowFormat.decode(p.row()).tombstone();
    ChangeRecord bare = tombstone == null ? null : new ChangeRecord(record.tableId(),
        record.key(), RowFormat.encode(StoredRow.deleted(tombstone)));
    return new Change.Reach(now, before, bare);
  }

  private void nothingRead(StreamId stream, long from, CompletableFuture<Slice> out) {
    CompletionStage<EventJournalInitialSubscriberState> bounds;
    try {
      bounds = bounds(stream);
    } catch (RuntimeException e) {
      out.completeExceptionally(translate(e, stream, from));
      return;
    }
    bounds.whenComplete((state, error) -> {
      if (error != null) {
        out.completeExceptionally(translate(error, stream, from));
      } else if (from > state.getNewestSequence() + 1) {
        // A position beyond the newest entry: the journal was lost with the region's peers.
        out.completeExceptionally(new HistoryGoneException("journal of " + stream + " ends at "
            + (state.getNewestSequence() + 1) + ", before " + from));
      } else if (from < state.getOldestSequence()) {
        out.completeExceptionally(new HistoryGoneException("journal of " + stream
            + " starts at " + state.getOldestSequence() + ", after " + from));
      } else {
        // Caught up (entries written since are read next time).
        out.complete(new Slice(List.of(), from, 0));
      }
    });
  }

  private CompletionStage<EventJournalInitialSubscriberState> bounds(StreamId stream) {
    return journal(stream.tableId()).subscribeToEventJournal(stream.partition());
  }

  @Override
  public CompletionStage<Long> tail(StreamId stream) {
    return bounds(stream).thenApplyAsync(state -> state.getNewestSequence() + 1, Runnable::run);
  }

  private static Throwable translate(Throwable error, StreamId stream, long from) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StaleSequenceException) {
      return new HistoryGoneException("journal of " + stream + " starts after " + from);
    }
    if (t instanceof IllegalArgumentException && String.valueOf(t.getMessage()).contains("sequence")) {
      // A position beyond the newest entry: the journal was lost with the region's peers.
      return new HistoryGoneException("journal of " + stream + " ends before " + from + ": "
          + t.getMessage());
    }
    return t;
  }
}
