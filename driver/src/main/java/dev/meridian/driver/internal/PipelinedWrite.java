package dev.meridian.driver.internal;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.RowOutcome;
import dev.meridian.protocol.wire.RowWrite;
import dev.meridian.protocol.wire.WriteKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes many rows of one table with as little waiting as possible: the rows go out in
 * {@link Request.Write}s of up to {@value #MAX_ROWS_PER_REQUEST} rows, and every request is
 * sent before the answer of any is awaited.
 *
 * <p>Order: rows of one request are applied in order by the peer. When a key comes back in a
 * later request, that request waits until every earlier one was answered, so two writes of one
 * key in a batch apply in batch order even if the peer serves requests concurrently. Once a
 * request failed because the connection broke or timed out, later requests are not sent.
 * Stateless and thread-safe.
 */
final class PipelinedWrite {
  /** Rows per request. */
  static final int MAX_ROWS_PER_REQUEST = 500;

  private PipelinedWrite() {}

  /**
   * Writes the rows.
   *
   * @param rows the rows; a null entry is a row that matches nothing (a NULL key) and is not
   *     sent
   * @return per row, in order, what became of it; never throws for a failed row
   */
  static RowResult[] run(ServingChannel channel, TableSchema table, WriteKind kind,
      List<RowWrite> rows, Execution execution) {
    RowResult[] results = new RowResult[rows.size()];
    List<int[]> chunks = new ArrayList<>();
    List<Boolean> waitBefore = new ArrayList<>();
    split(rows, results, chunks, waitBefore);

    ServingChannel.Sent[] sent = new ServingChannel.Sent[chunks.size()];
    int awaited = 0;
    MeridianException stop = null;
    for (int c = 0; c < chunks.size(); c++) {
      if (waitBefore.get(c)) {
        while (awaited < c) {
          if (!collect(channel, chunks.get(awaited), sent[awaited], results, execution)
              && stop == null) {
            stop = firstError(chunks.get(awaited), results);
          }
          awaited++;
        }
      }
      if (stop != null) {
        fail(chunks.get(c), results, notSent(stop));
        continue;
      }
      List<RowWrite> part = new ArrayList<>(chunks.get(c).length);
      for (int i : chunks.get(c)) {
        part.add(rows.get(i));
      }
      try {
        sent[c] = channel.send(new Request.Write(table.tableId(), kind, part));
      } catch (MeridianException e) {
        stop = e;
        fail(chunks.get(c), results, e);
      }
    }
    for (int c = awaited; c < chunks.size(); c++) {
      if (sent[c] != null) {
        collect(channel, chunks.get(c), sent[c], results, execution);
      }
    }
    return results;
  }

  /** Whether every row failed because the peer does not know the table (nothing applied). */
  static boolean staleTable(RowResult[] results) {
    boolean any = false;
    for (RowResult r : results) {
      if (r.outcome() != null && r.outcome().status() == RowOutcome.Status.NOT_FOUND
          && r.error() == null) {
        continue;
      }
      if (r.error() == null || r.maybeApplied() || r.state() != SqlState.UNDEFINED_TABLE) {
        return false;
      }
      any = true;
    }
    return any;
  }

  private static void split(List<RowWrite> rows, RowResult[] results, List<int[]> chunks,
      List<Boolean> waitBefore) {
    boolean track = rows.size() > MAX_ROWS_PER_REQUEST;
    Map<KeyBox, Integer> chunkOfKey = track ? new HashMap<>() : null;
    int[] current = new int[Math.min(rows.size(), MAX_ROWS_PER_REQUEST)];
    int size = 0;
    boolean wait = false;
    for (int i = 0; i < rows.size(); i++) {
      RowWrite row = rows.get(i);
      if (row == null) {
        results[i] = RowResult.notFound();
        continue;
      }
      if (size == current.length) {
        chunks.add(current);
        waitBefore.add(wait);
        current = new int[Math.min(rows.size() - i, MAX_ROWS_PER_REQUEST)];
        size = 0;
        wait = false;
      }
      if (track) {
        Integer before = chunkOfKey.put(new KeyBox(row.key()), chunks.size());
        if (before != null && before < chunks.size()) {
          wait = true;
        }
      }
      current[size++] = i;
    }
    if (size > 0) {
      chunks.add(size == current.length ? current : java.util.Arrays.copyOf(current, size));
      waitBefore.add(wait);
    }
  }

  /** Waits for one request; returns false when it failed as a whole for connection reasons. */
  private static boolean collect(ServingChannel channel, int[] chunk, ServingChannel.Sent sent,
      RowResult[] results, Execution execution) {
    if (sent == null) {
      return true;
    }
    Response r;
    try {
      r = channel.await(sent, execution, true);
    } catch (MeridianException e) {
      for (int i : chunk) {
        results[i] = RowResult.unknown(e);
      }
      return false;
    }
    if (r instanceof Response.Written w && w.outcomes().size() == chunk.length) {
      for (int k = 0; k < chunk.length; k++) {
        RowOutcome o = w.outcomes().get(k);
        results[chunk[k]] = o == null
            ? RowResult.unknown(new MeridianException(SqlState.PROTOCOL_VIOLATION,
                "the peer sent no outcome for this row"))
            : RowResult.of(o);
      }
      return true;
    }
    if (r instanceof Response.Error e) {
      fail(chunk, results, SqlExceptions.fromResponse(e));
      return true;
    }
    MeridianException bad = new MeridianException(SqlState.PROTOCOL_VIOLATION,
        "the peer answered a write of " + chunk.length + " rows with "
            + (r instanceof Response.Written w ? w.outcomes().size() + " outcomes"
                : r == null ? "nothing" : r.getClass().getSimpleName()));
    for (int i : chunk) {
      results[i] = RowResult.unknown(bad);
    }
    return false;
  }

  private static void fail(int[] chunk, RowResult[] results, MeridianException e) {
    for (int i : chunk) {
      results[i] = RowResult.failed(e);
    }
  }

  private static MeridianException firstError(int[] chunk, RowResult[] results) {
    return results[chunk[0]].error();
  }

  private static MeridianException notSent(MeridianException cause) {
    return new MeridianException(cause.state(), "not sent because an earlier part of the write"
        + " failed: " + cause.getMessage(), cause);
  }
}
