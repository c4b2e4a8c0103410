package dev.meridian.peer.internal.storage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import java.util.ArrayList;
import java.util.List;

/** Which partitions this member owns now. Stateless and thread-safe. */
public final class LocalPartitions {
  private LocalPartitions() {}

  /** The ids of the partitions {@code hazelcast}'s member owns at this moment, ascending. */
  public static List<Integer> owned(HazelcastInstance hazelcast) {
    List<Integer> out = new ArrayList<>();
    for (Partition p : hazelcast.getPartitionService().getPartitions()) {
      if (p.getOwner() != null && p.getOwner().localMember()) {
        out.add(p.getPartitionId());
      }
    }
    return out;
  }
}
