package dev.meridian.peer.internal.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Reads one log segment from its start: the header, then frames until the end or the first
 * torn or corrupt one. Stateless and thread-safe.
 */
final class LogReader {
  /** Segment header: magic and format version. */
  static final byte[] MAGIC = {'M', 'R', 'D', 'N', 'L', 'O', 'G', 1};

  private LogReader() {}

  /**
   * What a read found.
   *
   * @param records how many valid records it passed on
   * @param validBytes where the valid part ends (the header included)
   * @param problem why reading stopped before the end, or null when the whole file was valid
   */
  record Result(long records, long validBytes, String problem) {}

  /** Reads {@code file}, handing every valid record to {@code sink}, in order. */
  static Result read(Path file, Consumer<LogRecord> sink) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + " is larger than 2 GiB; not a segment of this version");
      }
      ByteBuffer all = ByteBuffer.allocate((int) size);
      while (all.hasRemaining() && ch.read(all) >= 0) {
        // read to the end
      }
      all.flip();
      return read(all, sink);
    }
  }

  /** Reads a whole segment held in {@code in} (pure; for tests and fuzzing). */
  static Result read(ByteBuffer in, Consumer<LogRecord> sink) {
    if (in.remaining() < MAGIC.length) {
      return new Result(0, 0, "the segment header is torn (" + in.remaining() + " bytes)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (in.get(in.position() + i) != MAGIC[i]) {
        throw new IncompatibleDataException("not a Meridian log segment of format "
            + MAGIC[MAGIC.length - 1] + " (bad header)");
      }
    }
    ByteBuffer b = in.duplicate();
    int start = b.position();
    b.position(start + MAGIC.length);
    long records = 0;
    while (b.hasRemaining()) {
      LogCodec.Decoded d = LogCodec.decode(b);
      if (d instanceof LogCodec.Frame f) {
        sink.accept(f.record());
        records++;
        b.position(b.position() + f.length());
      } else {
        String why = d instanceof LogCodec.Torn t ? "torn record: " + t.why()
            : "corrupt record: " + ((LogCodec.Corrupt) d).why();
        return new Result(records, b.position() - start, why);
      }
    }
    return new Result(records, b.position() - start, null);
  }
}
