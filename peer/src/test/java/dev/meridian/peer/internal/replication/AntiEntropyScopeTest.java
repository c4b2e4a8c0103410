package dev.meridian.peer.internal.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.protocol.wire.ChangeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Anti-entropy under a residency scope: hidden rows are neither hashed nor shipped, and a bare
 * tombstone goes only to a target that lists a row of its key.
 */
class AntiEntropyScopeTest {
  private static final StreamId STREAM = new StreamId(7, 0);

  private static AntiEntropy.Row row(int key, int content) {
    return new AntiEntropy.Row(new byte[] {(byte) key}, new byte[] {(byte) content});
  }

  /** Rows whose content byte is 9 are bare tombstones, 8 hidden; the rest listed. */
  private static final AntiEntropy.Scope SCOPE = r -> r.row()[0] == 9
      ? AntiEntropy.Scope.TOMBSTONE : r.row()[0] == 8 ? AntiEntropy.Scope.HIDDEN
      : AntiEntropy.Scope.LISTED;

  private static List<ChangeRecord> repair(List<AntiEntropy.Row> ours, List<AntiEntropy.Row> theirs) {
    List<ChangeRecord> shipped = new ArrayList<>();
    AntiEntropy.Target target = new AntiEntropy.Target() {
      @Override
      public CompletionStage<long[]> digest(StreamId s) {
        return CompletableFuture.completedFuture(AntiEntropy.digest(theirs, SCOPE));
      }

      @Override
      public CompletionStage<Map<Long, Long>> rowHashes(StreamId s, List<Integer> buckets) {
        return CompletableFuture.completedFuture(AntiEntropy.rowHashes(theirs, buckets, SCOPE));
      }

      @Override
      public CompletionStage<?> ship(List<ChangeRecord> rows) {
        shipped.addAll(rows);
        return CompletableFuture.completedFuture(null);
      }
    };
    AntiEntropy.repair(STREAM, s -> CompletableFuture.completedFuture(ours), target, 100, SCOPE)
        .toCompletableFuture().join();
    return shipped;
  }

  private static List<Integer> keys(List<ChangeRecord> records) {
    return records.stream().map(r -> (int) r.key()[0]).sorted().toList();
  }

  @Test
  void hiddenRowsAreInNoDigestAndNeverShipped() {
    assertArrayEquals(AntiEntropy.digest(List.of(row(1, 1))),
        AntiEntropy.digest(List.of(row(1, 1), row(2, 8), row(3, 9)), SCOPE));
    assertEquals(List.of(1), keys(repair(List.of(row(1, 1), row(2, 8)), List.of())));
  }

  @Test
  void aBareTombstoneGoesOnlyWhereItsKeyIsListed() {
    // The target holds a live row 5 (listed): our tombstone of 5 goes there; our tombstone of
    // 6 has no listed counterpart and stays here.
    List<ChangeRecord> shipped = repair(List.of(row(5, 9), row(6, 9)), List.of(row(5, 1)));
    assertEquals(List.of(5), keys(shipped));
    // Once the target holds the tombstone too, both sides list nothing and agree.
    assertEquals(List.of(), repair(List.of(row(5, 9)), List.of(row(5, 9))));
  }
}
