package dev.meridian.peer.internal.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log on real files: what it keeps, what it cuts off, what it refuses. */
class DurableLogTest {
  @TempDir
  Path dir;

  private static final long SEED = Long.getLong("seed", System.nanoTime());

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Object> values(LogState state, String map) {
    Map<String, Object> out = new HashMap<>();
    state.forEach(map, (k, v) -> out.put(k instanceof byte[] b ? new String(b,
        StandardCharsets.UTF_8) : String.valueOf(k), v));
    return out;
  }

  @Test
  void codecRoundTripsEveryType() {
    for (LogRecord r : List.of(new LogRecord("t.1", bytes("k"), bytes("v")),
        new LogRecord("meridian.catalog", "NAME", bytes("")),
        new LogRecord("meridian.catalog-dropped", 7L, 123L),
        new LogRecord("t.1", bytes(""), null))) {
      byte[] frame = LogCodec.encode(r);
      LogCodec.Frame f = assertInstanceOf(LogCodec.Frame.class,
          LogCodec.decode(ByteBuffer.wrap(frame)));
      assertEquals(r, f.record());
      assertEquals(frame.length, f.length());
      for (int cut = 0; cut < frame.length; cut++) {
        LogCodec.Decoded d = LogCodec.decode(ByteBuffer.wrap(frame, 0, cut));
        assertTrue(d instanceof LogCodec.Torn || d instanceof LogCodec.Corrupt, "cut at " + cut);
      }
    }
  }

  @Test
  void laterRecordsOfAKeyWinAndDeletesRemoveIt() throws IOException {
    try (DurableLog log = DurableLog.open(dir, DurableLog.Mode.SYNC, 100).log()) {
      log.append(new LogRecord("t.1", bytes("a"), bytes("1")));
      log.append(new LogRecord("t.1", bytes("b"), bytes("1")));
      log.append(new LogRecord("t.1", bytes("a"), bytes("2")));
      log.append(new LogRecord("t.1", bytes("b"), null));
      log.append(new LogRecord("meridian.catalog", "T", bytes("schema")));
    }
    DurableLog.Opened again = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    again.log().close();
    assertEquals(5, again.records());
    assertEquals(2, again.recovered().size());
    Map<String, Object> rows = values(again.recovered(), "t.1");
    assertEquals(List.of("a"), List.copyOf(rows.keySet()));
    assertArrayEquals(bytes("2"), (byte[]) rows.get("a"));
    assertArrayEquals(bytes("schema"), (byte[]) values(again.recovered(), "meridian.catalog")
        .get("T"));
    // Opening rewrote the log as one segment holding the last value of each key.
    DurableLog.Opened third = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    third.log().close();
    assertEquals(2, third.records());
    assertEquals(2, third.recovered().size());
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> segs = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
      assertTrue(!segs.isEmpty());
      return segs.get(segs.size() - 1);
    }
  }

  private Path logTenRecords() throws IOException {
    try (DurableLog log = DurableLog.open(dir, DurableLog.Mode.SYNC, 100).log()) {
      for (int i = 0; i < 10; i++) {
        log.append(new LogRecord("t.1", bytes("k" + i), bytes("value " + i)));
      }
    }
    return onlySegment();
  }

  @Test
  void tornTailIsCutOffAndEverythingBeforeItKept() throws IOException {
    Path seg = logTenRecords();
    long size = Files.size(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3);
    }
    DurableLog.Opened opened = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    assertEquals(9, opened.recovered().size());
    assertNull(values(opened.recovered(), "t.1").get("k9"));
    // Appending goes on after the cut, and the next start reads both.
    opened.log().append(new LogRecord("t.1", bytes("k10"), bytes("after")));
    opened.log().close();
    DurableLog.Opened again = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    again.log().close();
    assertEquals(10, again.recovered().size());
    assertNotNull(values(again.recovered(), "t.1").get("k10"));
  }

  @Test
  void flippedByteInTheTailIsCaughtByTheChecksum() throws IOException {
    Path seg = logTenRecords();
    long size = Files.size(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, size - 2);
      one.put(0, (byte) (one.get(0) ^ 0x40));
      one.rewind();
      ch.write(one, size - 2);
    }
    DurableLog.Opened opened = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    opened.log().close();
    assertEquals(9, opened.recovered().size());
    assertNull(values(opened.recovered(), "t.1").get("k9"));
    assertNotNull(values(opened.recovered(), "t.1").get("k8"));
  }

  @Test
  void garbageAppendedAfterTheLastRecordIsCutOff() throws IOException {
    Path seg = logTenRecords();
    Random random = new Random(SEED);
    byte[] junk = new byte[1 + random.nextInt(40)];
    random.nextBytes(junk);
    Files.write(seg, junk, StandardOpenOption.APPEND);
    DurableLog.Opened opened = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    opened.log().close();
    assertEquals(10, opened.recovered().size(), "seed " + SEED);
  }

  @Test
  void directoryOfAnotherVersionIsRefused() throws IOException {
    logTenRecords();
    Files.writeString(dir.resolve(DurableLog.VERSION_FILE), "meridian-data-directory 99\n");
    IncompatibleDataException e = assertThrows(IncompatibleDataException.class,
        () -> DurableLog.open(dir, DurableLog.Mode.SYNC, 100));
    assertTrue(e.getMessage().contains("meridian-data-directory 99"), e.getMessage());
  }

  @Test
  void foreignNonEmptyDirectoryIsRefused() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "mine");
    assertThrows(IncompatibleDataException.class,
        () -> DurableLog.open(dir, DurableLog.Mode.SYNC, 100));
  }

  /** A file that takes {@code quota} bytes of appends, then fails as a full disk does. */
  private static DurableLog.ChannelOpener quota(long[] quota) {
    return f -> new LimitedChannel(FileChannel.open(f, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), quota);
  }

  @Test
  void fullDiskFailsTheWriteWith53100AndLeavesTheLogReadable() throws IOException {
    long[] quota = {10_000};
    DurableLog log = DurableLog.open(dir, DurableLog.Mode.SYNC, 100, 1 << 20, quota(quota))
        .log();
    int written = 0;
    MeridianException full = null;
    for (int i = 0; i < 1000 && full == null; i++) {
      try {
        log.append(new LogRecord("t.1", bytes("k" + i), new byte[100]));
        written++;
      } catch (MeridianException e) {
        full = e;
      }
    }
    assertNotNull(full);
    assertEquals(SqlState.DISK_FULL, full.state());
    assertTrue(full.getMessage().contains("No space left"), full.getMessage());
    assertNotNull(log.refusal());
    // Space comes back: writes go through again.
    quota[0] = Long.MAX_VALUE;
    log.append(new LogRecord("t.1", bytes("after"), new byte[1]));
    log.close();
    DurableLog.Opened again = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    again.log().close();
    assertEquals(written + 1, again.recovered().size(), "every acknowledged write, no other");
    assertNotNull(values(again.recovered(), "t.1").get("after"));
  }

  @Test
  void concurrentAppendersShareForcesAndLoseNothing() throws Exception {
    int threads = 8;
    int each = 500;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    // Small segments, so the writer rolls and the compactor runs while appends go on.
    try (DurableLog log = DurableLog.open(dir, DurableLog.Mode.SYNC, 100, 16 << 10,
        f -> FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        .log()) {
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread th = new Thread(() -> {
          try {
            go.await();
            for (int i = 0; i < each; i++) {
              // Each thread rewrites its own counter key: the last value must be its last.
              log.append(new LogRecord("t.1", bytes("k" + id + "-" + (i % 50)),
                  bytes(Integer.toString(i))));
              log.append(new LogRecord("counters", "t" + id, (long) i));
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        th.start();
        running.add(th);
      }
      go.countDown();
      for (Thread th : running) {
        th.join();
      }
    }
    DurableLog.Opened opened = DurableLog.open(dir, DurableLog.Mode.SYNC, 100);
    opened.log().close();
    Map<String, Object> counters = values(opened.recovered(), "counters");
    assertEquals(threads, counters.size());
    for (int t = 0; t < threads; t++) {
      assertEquals((long) (each - 1), counters.get("t" + t));
    }
    Map<String, Object> rows = values(opened.recovered(), "t.1");
    assertEquals(threads * 50, rows.size());
    for (int t = 0; t < threads; t++) {
      for (int k = 0; k < 50; k++) {
        int last = each - 50 + k;
        assertArrayEquals(bytes(Integer.toString(last)), (byte[]) rows.get("k" + t + "-" + k));
      }
    }
  }

  @Test
  void periodicModeKeepsEverythingAfterAClose() throws IOException {
    try (DurableLog log = DurableLog.open(dir, DurableLog.Mode.PERIODIC, 50).log()) {
      for (int i = 0; i < 1000; i++) {
        log.append(new LogRecord("t.1", bytes("k" + i), bytes("v")));
      }
    }
    DurableLog.Opened opened = DurableLog.open(dir, DurableLog.Mode.PERIODIC, 50);
    opened.log().close();
    assertEquals(1000, opened.recovered().size());
  }
}
