package dev.meridian.peer.internal.disk;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's write-ahead log: segment files {@code log-<n>.seg} in its data directory, each a
 * header then {@link LogCodec} frames, appended by one writer thread that group-commits.
 *
 * <p>Under {@link Mode#SYNC} {@link #append} returns once the record and every record before it
 * are forced to disk; records appended while a force runs share the next one. Under
 * {@link Mode#PERIODIC} {@link #append} returns at once, the writer hands the records to the
 * operating system as they come (a killed process loses at most the batch being written) and
 * forces every {@code periodMs} (a power loss loses at most that long of writes).
 *
 * <p>{@link #open} reads every segment in order, truncates a torn or corrupt tail with a log
 * line, refuses a directory of another format version, then rewrites what it read as one
 * segment holding the last record of each key (deletes dropped) before appending. Closed
 * segments are compacted the same way in the background once there are
 * {@value #COMPACT_AFTER} of them.
 *
 * <p>A failed write (a full disk) is cut off the file, fails the appends of its batch with
 * {@code 53100} and makes {@link #refusal()} answer for a second, so writes fail fast while the
 * disk is full and are tried again afterwards. Thread-safe.
 */
public final class DurableLog implements AutoCloseable {
  /** When an append counts as durable. */
  public enum Mode {
    /** After the log is forced to disk (group commit). */
    SYNC,
    /** At once; forced every period. */
    PERIODIC
  }

  /** The file naming the directory's format. */
  static final String VERSION_FILE = "MERIDIAN_DATA";
  static final String VERSION = "meridian-data-directory 1";
  static final int COMPACT_AFTER = 4;
  private static final long REFUSE_MS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(DurableLog.class);

  /** Opens a segment for appending; a seam for tests of a failing disk. */
  public interface ChannelOpener {
    FileChannel open(Path file) throws IOException;
  }

  private final Path dir;
  private final Mode mode;
  private final long periodMs;
  private final long segmentBytes;
  private final ChannelOpener opener;
  private final Object lock = new Object();
  private final Thread writer;
  private final Thread compactor;

  // Guarded by lock.
  private byte[] pending = new byte[1 << 16];
  private int pendingLength;
  private CompletableFuture<Void> batch = new CompletableFuture<>();
  private boolean closed;
  private long brokenAt;
  private String brokenWhy;
  private List<Path> closedSegments = new ArrayList<>();

  // Writer thread only.
  private FileChannel active;
  private Path activePath;
  private long activeSeq;
  private long goodSize;

  private DurableLog(Path dir, Mode mode, long periodMs, long segmentBytes,
      ChannelOpener opener) {
    this.dir = dir;
    this.mode = mode;
    this.periodMs = periodMs;
    this.segmentBytes = segmentBytes;
    this.opener = opener;
    this.writer = new Thread(this::writeLoop, "meridian-log-writer");
    this.writer.setDaemon(true);
    this.compactor = new Thread(this::compactLoop, "meridian-log-compactor");
    this.compactor.setDaemon(true);
  }

  /** An opened log and what its directory held. */
  public record Opened(DurableLog log, LogState recovered, long records, long millis) {}

  /** Opens the log of {@code dir} (created when missing) with 64 MiB segments. */
  public static Opened open(Path dir, Mode mode, long periodMs) throws IOException {
    return open(dir, mode, periodMs, 64L << 20,
        f -> FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  /**
   * Opens the log of {@code dir}: checks its version, reads and compacts what it holds, and
   * starts appending to a new segment.
   *
   * @throws IncompatibleDataException when the directory was written by another format
   */
  public static Opened open(Path dir, Mode mode, long periodMs, long segmentBytes,
      ChannelOpener opener) throws IOException {
    long started = System.nanoTime();
    Files.createDirectories(dir);
    checkVersion(dir);
    try (Stream<Path> tmp = Files.list(dir)) {
      for (Path p : tmp.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
        Files.delete(p);
      }
    }
    List<Path> segments = segments(dir);
    LogState state = new LogState();
    long records = 0;
    for (Path s : segments) {
      LogReader.Result r = LogReader.read(s, state::apply);
      records += r.records();
      if (r.problem() != null) {
        LOG.warn("log segment {}: {} at byte {}; truncated there, {} records before it kept",
            s, r.problem(), r.validBytes(), r.records());
        try (FileChannel ch = FileChannel.open(s, StandardOpenOption.WRITE)) {
          if (r.validBytes() < LogReader.MAGIC.length) {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(LogReader.MAGIC));
          } else {
            ch.truncate(r.validBytes());
          }
          ch.force(true);
        }
      }
    }
    long next = segments.isEmpty() ? 1 : seqOf(segments.get(segments.size() - 1)) + 1;
    DurableLog log = new DurableLog(dir, mode, periodMs, segmentBytes, opener);
    if (segments.size() > 1 || records > state.size()) {
      Path snapshot = dir.resolve(name(next));
      writeSnapshot(state, snapshot);
      for (Path s : segments) {
        Files.delete(s);
      }
      log.closedSegments.add(snapshot);
      next++;
    } else {
      log.closedSegments.addAll(segments);
    }
    log.startSegment(next);
    log.writer.start();
    log.compactor.start();
    return new Opened(log, state, records, (System.nanoTime() - started) / 1_000_000);
  }

  /** The directory's version file is ours, or written now for a new directory. */
  private static void checkVersion(Path dir) throws IOException {
    Path version = dir.resolve(VERSION_FILE);
    if (!Files.exists(version)) {
      try (Stream<Path> files = Files.list(dir)) {
        if (files.findAny().isPresent()) {
          throw new IncompatibleDataException("data directory " + dir + " is not empty and has"
              + " no " + VERSION_FILE + " file: not a Meridian data directory; point dataDir at"
              + " an empty or Meridian directory");
        }
      }
      Path tmp = dir.resolve(VERSION_FILE + ".tmp");
      Files.writeString(tmp, VERSION + "\n");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, version, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    String found = Files.readString(version, StandardCharsets.UTF_8).strip();
    if (!found.equals(VERSION)) {
      throw new IncompatibleDataException("data directory " + dir + " has format '" + found
          + "' but this peer reads '" + VERSION + "'; start it with an empty dataDir (the region"
          + " backfills it) or with the Meridian version that wrote it");
    }
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().matches("log-\\d{16}\\.seg"))
          .sorted().toList();
    }
  }

  private static String name(long seq) {
    return String.format("log-%016d.seg", seq);
  }

  private static long seqOf(Path segment) {
    String n = segment.getFileName().toString();
    return Long.parseLong(n.substring(4, 20));
  }

  /** Writes {@code state} as one segment at {@code target} (through a temporary file). */
  private static void writeSnapshot(LogState state, Path target) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      buf.put(LogReader.MAGIC);
      for (LogRecord r : (Iterable<LogRecord>) state.records()::iterator) {
        byte[] frame = LogCodec.encode(r);
        if (frame.length > buf.remaining()) {
          buf.flip();
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          buf.clear();
        }
        if (frame.length > buf.capacity()) {
          ch.write(ByteBuffer.wrap(frame));
        } else {
          buf.put(frame);
        }
      }
      buf.flip();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** When the log refuses writes (a recent write failed): why, else null. */
  public String refusal() {
    synchronized (lock) {
      if (brokenWhy != null && System.currentTimeMillis() - brokenAt < REFUSE_MS) {
        return brokenWhy;
      }
      return null;
    }
  }

  /** The durability mode. */
  public Mode mode() {
    return mode;
  }

  /**
   * Appends one record; under {@link Mode#SYNC} waits until it is on disk.
   *
   * @throws MeridianException {@code 53100} when the disk refused it (full or failing),
   *     {@code 08006} when the log is closed
   */
  public void append(LogRecord record) {
    append(List.of(record));
  }

  /** Appends records in order, as {@link #append(LogRecord)}, with one wait for all. */
  public void append(List<LogRecord> records) {
    CompletableFuture<Void> joined;
    synchronized (lock) {
      if (closed) {
        throw new MeridianException(SqlState.CONNECTION_FAILURE, "the peer is shutting down");
      }
      String refused = mode == Mode.PERIODIC ? refusal() : null;
      if (refused != null) {
        throw diskFull(refused);
      }
      for (LogRecord r : records) {
        byte[] frame = LogCodec.encode(r);
        if (pendingLength + frame.length > pending.length) {
          byte[] bigger = new byte[Math.max(pending.length * 2, pendingLength + frame.length)];
          System.arraycopy(pending, 0, bigger, 0, pendingLength);
          pending = bigger;
        }
        System.arraycopy(frame, 0, pending, pendingLength, frame.length);
        pendingLength += frame.length;
      }
      joined = batch;
      lock.notifyAll();
    }
    if (mode == Mode.SYNC) {
      await(joined);
    }
  }

  private static void await(CompletableFuture<Void> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof MeridianException m) {
            throw new MeridianException(m.state(), m.getMessage(), m);
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private MeridianException diskFull(String why) {
    return new MeridianException(SqlState.DISK_FULL, "the data directory " + dir
        + " cannot take the write (" + why + "); it was not applied. Free space there and retry;"
        + " reads are served meanwhile");
  }

  private void startSegment(long seq) throws IOException {
    activeSeq = seq;
    activePath = dir.resolve(name(seq));
    active = opener.open(activePath);
    ByteBuffer header = ByteBuffer.wrap(LogReader.MAGIC);
    while (header.hasRemaining()) {
      active.write(header);
    }
    active.force(true);
    goodSize = LogReader.MAGIC.length;
  }

  private void writeLoop() {
    long lastForce = System.currentTimeMillis();
    boolean dirty = false;
    while (true) {
      byte[] data;
      int length;
      CompletableFuture<Void> done;
      synchronized (lock) {
        while (pendingLength == 0 && !closed) {
          long wait = mode == Mode.PERIODIC && dirty
              ? Math.max(1, lastForce + periodMs - System.currentTimeMillis()) : 0;
          if (mode == Mode.PERIODIC && dirty && wait <= 1) {
            break;
          }
          try {
            lock.wait(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (closed && pendingLength == 0 && !dirty) {
          return;
        }
        data = pending;
        length = pendingLength;
        done = batch;
        pending = new byte[Math.max(1 << 16, Math.min(length, 1 << 22))];
        pendingLength = 0;
        batch = new CompletableFuture<>();
      }
      try {
        if (length > 0) {
          ByteBuffer b = ByteBuffer.wrap(data, 0, length);
          while (b.hasRemaining()) {
            active.write(b);
          }
          dirty = true;
        }
        long now = System.currentTimeMillis();
        if (dirty && (mode == Mode.SYNC || now - lastForce >= periodMs || closedNow())) {
          active.force(false);
          lastForce = now;
          dirty = false;
        }
        goodSize += length;
        done.complete(null);
        synchronized (lock) {
          brokenWhy = null;
        }
        if (goodSize >= segmentBytes) {
          roll();
        }
      } catch (IOException | RuntimeException e) {
        String why = String.valueOf(e.getMessage() == null ? e : e.getMessage());
        LOG.error("cannot write the log in {}: {}; failing the writes of this batch", dir, why);
        try {
          active.truncate(goodSize);
          active.position(goodSize);
        } catch (IOException cut) {
          LOG.error("cannot cut the failed write off {}: {}", activePath, cut.toString());
        }
        synchronized (lock) {
          brokenAt = System.currentTimeMillis();
          brokenWhy = why;
        }
        done.completeExceptionally(diskFull(why));
      }
    }
  }

  private boolean closedNow() {
    synchronized (lock) {
      return closed;
    }
  }

  private void roll() throws IOException {
    active.force(false);
    active.close();
    synchronized (lock) {
      closedSegments.add(activePath);
      lock.notifyAll();
    }
    startSegment(activeSeq + 1);
  }

  /** Compacts the closed segments into one when there are enough of them. */
  private void compactLoop() {
    while (true) {
      List<Path> inputs;
      synchronized (lock) {
        while (closedSegments.size() < COMPACT_AFTER && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (closed) {
          return;
        }
        inputs = List.copyOf(closedSegments);
      }
      try {
        compact(inputs);
      } catch (IOException | UncheckedIOException e) {
        LOG.error("cannot compact the log in {}: {}; will try again after the next segment",
            dir, e.toString());
        synchronized (lock) {
          try {
            lock.wait();
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /**
   * Rewrites {@code inputs} (every closed segment, oldest first) as the last one's name. A crash
   * before the rename leaves the inputs; after it, the older inputs still read before it, and
   * its records win.
   */
  private void compact(List<Path> inputs) throws IOException {
    LogState state = new LogState();
    for (Path s : inputs) {
      LogReader.read(s, state::apply);
    }
    Path last = inputs.get(inputs.size() - 1);
    writeSnapshot(state, last);
    for (Path s : inputs.subList(0, inputs.size() - 1)) {
      Files.delete(s);
    }
    synchronized (lock) {
      closedSegments.removeAll(inputs);
      closedSegments.add(0, last);
    }
    LOG.info("compacted {} log segments of {} into one of {} entries", inputs.size(), dir,
        state.size());
  }

  /** Forces what was appended and stops; idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    try {
      writer.join();
      compactor.join();
      active.force(false);
      active.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("closing the log in {}: {}", dir, e.toString());
    }
  }
}
