package dev.meridian.bench;

import dev.meridian.peer.internal.row.Cell;
import dev.meridian.peer.internal.row.RowFormat;
import dev.meridian.peer.internal.row.StoredRow;
import dev.meridian.peer.internal.storage.ConflictLog;
import dev.meridian.peer.internal.storage.FragmentApply;
import dev.meridian.peer.testkit.EmbeddedCluster;
import dev.meridian.protocol.types.ConflictResolution;
import dev.meridian.protocol.types.Stamp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the conflict log costs where it is recorded, the apply of records from another region,
 * when a share of them conflict. Two parts in one run:
 * <ol>
 *   <li>the apply itself, in this thread: decode the stored row and the fragment, merge, encode
 *       (what {@code ApplyProcessor} does on the owner), with the log on and off, alternating
 *       rounds, median nanoseconds per apply;
 *   <li>end to end on two embedded regions of one peer: us-east-1 and eu-west-1 cut apart,
 *       {@code --rows} rows written in us-east-1, then {@code --conflict-percent} of them again in
 *       eu-west-1 (later stamps), then healed; the time until eu-west-1 holds every row, with the
 *       log on (default bounds) and off ({@code conflictLogMaxEntries = 0}).
 * </ol>
 * The data comes from one printed seed. Figures only; nothing is asserted.
 */
@Command(name = "conflicts-bench", mixinStandardHelpOptions = true,
    description = "Cost of the conflict log on the apply path, with a share of conflicts.")
public final class ConflictLogBench implements Callable<Integer> {
  @Option(names = "--rows", description = "rows per round (default ${DEFAULT-VALUE})")
  int rows = 20_000;

  @Option(names = "--conflict-percent", description = "share of rows that conflict"
      + " (default ${DEFAULT-VALUE})")
  int conflictPercent = 10;

  @Option(names = "--rounds", description = "rounds per setting (default ${DEFAULT-VALUE})")
  int rounds = 5;

  @Option(names = "--seed", description = "data seed (default: random)")
  Long seed;

  @Override
  public Integer call() throws Exception {
    long s = seed != null ? seed : System.nanoTime();
    System.out.printf("seed %d, %,d rows, %d%% conflicting%n", s, rows, conflictPercent);
    applyPath(new SplittableRandom(s));
    endToEnd();
    return 0;
  }

  private void applyPath(SplittableRandom random) {
    int us = Stamp.regionId("us-east-1");
    int eu = Stamp.regionId("eu-west-1");
    List<byte[]> stored = new ArrayList<>();
    List<byte[]> incoming = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      Stamp theirs = new Stamp(Stamp.hlc(1_000_000 + i, 0), us);
      boolean conflict = random.nextInt(100) < conflictPercent;
      Stamp mine = new Stamp(Stamp.hlc(conflict ? 2_000_000 + i : 1 + i, 0), eu);
      stored.add(RowFormat.encode(row(mine, i, "eu" + i)));
      incoming.add(RowFormat.encode(row(theirs, i, "us" + i)));
      keys.add(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)});
    }
    long[] on = new long[rounds * 4];
    long[] off = new long[rounds * 4];
    long sink = 0;
    for (int r = 0; r < rounds * 4; r++) {
      ConflictLog log = new ConflictLog(10_000, 86_400_000);
      for (boolean logging : new boolean[] {r % 2 == 0, r % 2 != 0}) {
        long t = System.nanoTime();
        for (int i = 0; i < rows; i++) {
          FragmentApply.Outcome o = FragmentApply.apply(RowFormat.decode(stored.get(i)),
              RowFormat.decode(incoming.get(i)), ConflictResolution.CELL, null, null);
          if (logging && !o.discarded().isEmpty()) {
            log.record(7, keys.get(i), o.discarded(), t);
          }
          sink += RowFormat.encode(o.merged()).length;
        }
        long perApply = (System.nanoTime() - t) / rows;
        (logging ? on : off)[r] = perApply;
      }
    }
    System.out.printf("apply path (decode, merge, log, encode), median of %d rounds: log on %d ns,"
        + " log off %d ns per apply (%d bytes written)%n", rounds * 4, median(on), median(off),
        sink);
  }

  private static StoredRow row(Stamp stamp, int id, String value) {
    return StoredRow.of(null, List.of(Cell.of(0, stamp, (long) id), Cell.of(1, stamp, value),
        Cell.of(2, stamp, (long) id * 7)));
  }

  private void endToEnd() throws Exception {
    long[] on = new long[rounds];
    long[] off = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      for (boolean logging : new boolean[] {r % 2 == 0, r % 2 != 0}) {
        (logging ? on : off)[r] = converge(logging ? 10_000 : 0, r);
      }
    }
    System.out.printf("end to end, %,d rows (%d%% conflicting) converged after a heal (both regions),"
        + " median of %d rounds: log on %d ms, log off %d ms%n", rows, conflictPercent, rounds,
        median(on), median(off));
  }

  private long converge(int conflictLogEntries, int round) throws Exception {
    try (EmbeddedCluster c = EmbeddedCluster.start("conflictbench" + System.nanoTime(),
        List.of("us-east-1", "eu-west-1"),
        EmbeddedCluster.Options.defaults().conflictLogMaxEntries(conflictLogEntries));
        Connection us = DriverManager.getConnection(c.jdbcUrl("us-east-1"));
        Connection eu = DriverManager.getConnection(c.jdbcUrl("eu-west-1"))) {
      us.createStatement().execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(20),"
          + " n BIGINT)");
      if (!c.awaitConverged(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the table did not reach eu-west-1");
      }
      c.partition("us-east-1", "eu-west-1");
      write(us, 0, rows, "us");
      int every = conflictPercent == 0 ? Integer.MAX_VALUE : 100 / conflictPercent;
      try (PreparedStatement ps = eu.prepareStatement("UPSERT INTO t VALUES (?, ?, ?)")) {
        for (int i = 0; i < rows; i += every) {
          ps.setLong(1, i);
          ps.setString(2, "eu" + i);
          ps.setLong(3, i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      long t = System.nanoTime();
      c.heal("us-east-1", "eu-west-1");
      if (!c.awaitConverged(Duration.ofMinutes(5))) {
        throw new IllegalStateException("round " + round + " did not converge");
      }
      return (System.nanoTime() - t) / 1_000_000;
    }
  }

  private static void write(Connection c, int from, int to, String prefix) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("UPSERT INTO t VALUES (?, ?, ?)")) {
      for (int i = from; i < to; i++) {
        ps.setLong(1, i);
        ps.setString(2, prefix + i);
        ps.setLong(3, i);
        ps.addBatch();
        if (i % 1_000 == 999) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConflictLogBench()).execute(args));
  }
}
