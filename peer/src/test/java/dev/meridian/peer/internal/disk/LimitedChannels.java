package dev.meridian.peer.internal.disk;

import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/** Log files with a byte quota, for tests of a full disk outside this package. */
public final class LimitedChannels {
  private LimitedChannels() {}

  /** Opens each segment as a real file that fails like a full disk once {@code quota} is spent. */
  public static DurableLog.ChannelOpener withQuota(long[] quota) {
    return f -> new LimitedChannel(FileChannel.open(f, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), quota);
  }
}
