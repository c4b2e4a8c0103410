package dev.meridian.peer.internal.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer on the log record decoder: any bytes after a segment header read as some valid
 * records and then, at most, one reason to stop; never an exception. What was read re-encodes
 * to exactly the bytes it came from (so recovery keeps precisely the valid prefix). Under a
 * plain test run this replays the seed corpus (whole, torn and corrupted segments); with
 * {@code JAZZER_FUZZ=1} it fuzzes.
 */
class LogReaderFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void anyTailReadsAsAValidPrefix(byte[] input) {
    byte[] segment = new byte[LogReader.MAGIC.length + input.length];
    System.arraycopy(LogReader.MAGIC, 0, segment, 0, LogReader.MAGIC.length);
    System.arraycopy(input, 0, segment, LogReader.MAGIC.length, input.length);
    List<LogRecord> records = new ArrayList<>();
    LogReader.Result r = LogReader.read(ByteBuffer.wrap(segment), records::add);
    assertEquals(records.size(), r.records());
    assertTrue(r.validBytes() >= LogReader.MAGIC.length && r.validBytes() <= segment.length);
    assertEquals(r.problem() == null, r.validBytes() == segment.length);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    again.writeBytes(LogReader.MAGIC);
    for (LogRecord record : records) {
      again.writeBytes(LogCodec.encode(record));
    }
    assertArrayEquals(Arrays.copyOf(segment, (int) r.validBytes()), again.toByteArray());
  }
}
