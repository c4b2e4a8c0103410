package dev.meridian.peer.internal.storage;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Creates the peer's Hazelcast-serialized objects by class id, so that entry processors and
 * their results cross members as compact {@link IdentifiedDataSerializable}s instead of Java
 * serialization. Registered under {@link #FACTORY_ID} by the member configuration.
 *
 * <p>Stateless and thread-safe.
 */
public final class StorageSerializers implements DataSerializableFactory {

  /** The factory id ("MR"); must not clash with other factories on the member. */
  public static final int FACTORY_ID = 0x4D52;

  static final int WRITE_PROCESSOR = 1;
  static final int BACKUP_WRITE = 2;
  static final int WRITE_RESULT = 3;
  static final int APPLY_PROCESSOR = 4;
  static final int JOURNAL_FILTER = 5;
  static final int JOURNAL_PROJECTION = 6;
  static final int PURGE_PROCESSOR = 7;
  static final int APPLIED_THROUGH_MERGE = 20;
  static final int SCAN_PREDICATE = 8;
  static final int SCAN_PROJECTION = 9;
  static final int INDEX_BUILD = 10;

  @Override
  public IdentifiedDataSerializable create(int classId) {
    return switch (classId) {
      case WRITE_PROCESSOR -> new WriteProcessor();
      case BACKUP_WRITE -> new BackupWrite<Object>();
      case WRITE_RESULT -> new WriteResult();
      case APPLY_PROCESSOR -> new ApplyProcessor();
      case JOURNAL_FILTER -> new JournalFilter();
      case JOURNAL_PROJECTION -> new JournalProjection();
      case PURGE_PROCESSOR -> new PurgeProcessor();
      case APPLIED_THROUGH_MERGE -> new AppliedThroughMerge();
      case SCAN_PREDICATE -> new ScanPredicate();
      case SCAN_PROJECTION -> new ScanProjection();
      case INDEX_BUILD -> new IndexBuild();
      default -> null;
    };
  }
}
