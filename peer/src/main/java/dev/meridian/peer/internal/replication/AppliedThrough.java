package dev.meridian.peer.internal.replication;

import com.hazelcast.map.IMap;
import dev.meridian.peer.internal.storage.AppliedThroughMerge;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What this region has applied of each other region's writes, for session consistency
 * (DESIGN.md, "Connections"): per origin region and partition, the origin's wall-clock time
 * below which every change of that partition has been applied here, as the origin's link
 * senders report it ({@link Request.LinkProgress}). The figures live in a backed-up map of the
 * region, so every peer of the region answers {@link Request.AwaitApplied} alike and a peer's
 * death loses nothing.
 *
 * <p>The region has applied an origin's writes through the smallest figure over all
 * partitions; a partition no sender has reported yet holds it at 0. Figures only grow: a
 * report is a claim that stays true (applied rows stay applied), and a region that restarts
 * empty starts with an empty map. Thread-safe.
 */
final class AppliedThrough {
  /** The map of figures: origin region to {@code long[partitionCount]}. */
  static final String MAP_NAME = "meridian.applied-through";
  /** How often a waiting {@link Request.AwaitApplied} looks again. */
  static final long POLL_MILLIS = 10;
  /** How often a waiting {@link Request.AwaitRows} reads its missing rows again. */
  static final long ROW_POLL_MILLIS = 25;

  private final String region;
  private final IMap<String, long[]> figures;
  private final int partitionCount;
  private final ScheduledExecutorService timer;
  private final LongSupplier nowMillis;

  AppliedThrough(String region, IMap<String, long[]> figures, int partitionCount,
      ScheduledExecutorService timer, LongSupplier nowMillis) {
    this.region = region;
    this.figures = figures;
    this.partitionCount = partitionCount;
    this.timer = timer;
    this.nowMillis = nowMillis;
  }

  /** Records a sender's report; completes once it is stored and backed up. */
  CompletionStage<Response> record(Request.LinkProgress p) {
    if (p.partitionCount() != partitionCount) {
      // Regions with different partition counts cannot compare partitions; ignore rather than
      // claim anything (session reads of that origin then wait and fail clearly).
      return CompletableFuture.completedFuture(new Response.ProgressNoted());
    }
    return figures.submitToKey(p.origin(),
            new AppliedThroughMerge(p.throughMillis(), p.partitionCount(), p.partitionBits()))
        .thenApply(ignored -> (Response) new Response.ProgressNoted());
  }

  /** The time below which this region holds every write of {@code origin}; 0 when unknown. */
  long throughMillis(String origin) {
    long[] perPartition = figures.get(origin);
    if (perPartition == null || perPartition.length != partitionCount) {
      return 0;
    }
    long min = Long.MAX_VALUE;
    for (long v : perPartition) {
      min = Math.min(min, v);
    }
    return min == Long.MAX_VALUE ? 0 : min;
  }

  /**
   * Answers whether every required write is applied here, waiting up to the request's limit
   * for it; never fails for want of figures (it answers not satisfied).
   */
  CompletionStage<Response> await(Request.AwaitApplied request) {
    CompletableFuture<Response> answer = new CompletableFuture<>();
    long deadline = nowMillis.getAsLong() + Math.max(0, request.waitMillis());
    check(request.required(), deadline, answer);
    return answer;
  }

  /**
   * Answers a session's {@link Request.AwaitRows}: per origin, satisfied by the figures alone
   * as {@link #await} is, or by figures up to the floor and each listed row of that origin
   * showing its write here. Rows already found are not read again while it waits.
   *
   * @param shows reads a row and says whether it shows the write (or a newer state)
   */
  CompletionStage<Response> awaitRows(Request.AwaitRows request,
      Function<Request.WrittenRow, CompletionStage<Boolean>> shows) {
    CompletableFuture<Response> answer = new CompletableFuture<>();
    long deadline = nowMillis.getAsLong() + Math.max(0, request.waitMillis());
    checkRows(request, List.copyOf(request.rows()), deadline, answer, shows);
    return answer;
  }

  private void checkRows(Request.AwaitRows request, List<Request.WrittenRow> pending,
      long deadline, CompletableFuture<Response> answer,
      Function<Request.WrittenRow, CompletionStage<Boolean>> shows) {
    try {
      Map<String, Long> through = new HashMap<>();
      Set<Integer> byRows = new HashSet<>();
      boolean satisfied = true;
      for (Map.Entry<String, Long> e : request.required().entrySet()) {
        String origin = e.getKey();
        if (origin.equals(region)) {
          continue;
        }
        long t = throughMillis(origin);
        through.put(origin, t);
        if (new Stamp(e.getValue(), 0).millis() < t) {
          continue;
        }
        long floor = request.floors().getOrDefault(origin, e.getValue());
        if (floor != 0 && new Stamp(floor, 0).millis() >= t) {
          satisfied = false; // writes below the floor are not listed: only figures vouch
        } else {
          byRows.add(Stamp.regionId(origin));
        }
      }
      List<Request.WrittenRow> toRead = new ArrayList<>();
      for (Request.WrittenRow w : pending) {
        if (w.stamp() != null && byRows.contains(w.stamp().origin())) {
          toRead.add(w);
        }
      }
      if (!satisfied || toRead.isEmpty()) {
        finishOrWait(request, satisfied, through, toRead, deadline, answer, shows);
        return;
      }
      List<CompletableFuture<Boolean>> reads = new ArrayList<>(toRead.size());
      for (Request.WrittenRow w : toRead) {
        reads.add(shows.apply(w).toCompletableFuture());
      }
      CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0])).whenComplete(
          (ignored, error) -> {
            if (error != null) {
              answer.completeExceptionally(error);
              return;
            }
            List<Request.WrittenRow> missing = new ArrayList<>();
            for (int i = 0; i < reads.size(); i++) {
              if (!reads.get(i).join()) {
                missing.add(toRead.get(i));
              }
            }
            finishOrWait(request, missing.isEmpty(), through, missing, deadline, answer, shows);
          });
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
  }

  private void finishOrWait(Request.AwaitRows request, boolean satisfied,
      Map<String, Long> through, List<Request.WrittenRow> pending, long deadline,
      CompletableFuture<Response> answer,
      Function<Request.WrittenRow, CompletionStage<Boolean>> shows) {
    if (satisfied || nowMillis.getAsLong() >= deadline) {
      answer.complete(new Response.Applied(satisfied, Map.copyOf(through)));
      return;
    }
    timer.schedule(() -> checkRows(request, pending, deadline, answer, shows),
        ROW_POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void check(Map<String, Long> required, long deadline,
      CompletableFuture<Response> answer) {
    try {
      Map<String, Long> through = new HashMap<>();
      boolean satisfied = true;
      for (Map.Entry<String, Long> e : required.entrySet()) {
        if (e.getKey().equals(region)) {
          continue; // this region's own writes are visible here at once
        }
        long t = throughMillis(e.getKey());
        through.put(e.getKey(), t);
        // Every write stamped below t is applied; a stamp's physical part is its origin's clock.
        if (new Stamp(e.getValue(), 0).millis() >= t) {
          satisfied = false;
        }
      }
      if (satisfied || nowMillis.getAsLong() >= deadline) {
        answer.complete(new Response.Applied(satisfied, Map.copyOf(through)));
        return;
      }
      timer.schedule(() -> check(required, deadline, answer), POLL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
  }
}
