package dev.meridian.peer.internal.replication;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.concurrent.CompletionStage;

/**
 * Link positions in the backed-up map {@value #MAP_NAME} of the sending region, keyed by
 * {@code target|epoch|tableId|partition}. A late store from a peer that just lost the
 * partition may rewind a position by a batch or so; the new owner then ships those changes
 * again, which merge makes harmless. Thread-safe.
 */
public final class HazelcastPositions implements PositionStore {
  /** The map holding positions. */
  public static final String MAP_NAME = "meridian.link-positions";

  private final IMap<String, Long> map;

  public HazelcastPositions(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(MAP_NAME);
  }

  private static String key(String target, long epoch, StreamId stream) {
    return target + "|" + epoch + "|" + stream.tableId() + "|" + stream.partition();
  }

  @Override
  public CompletionStage<Long> load(String target, long epoch, StreamId stream) {
    return map.getAsync(key(target, epoch, stream));
  }

  @Override
  public CompletionStage<Void> store(String target, long epoch, StreamId stream, long position) {
    return map.setAsync(key(target, epoch, stream), position);
  }
}
