package dev.meridian.peer.internal.row;

import dev.meridian.protocol.types.Stamp;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates rows, fragments and stamps for the merge properties from one random source.
 *
 * <p>Column 0 plays the key and is in every written fragment, as the write path does.
 * Not thread-safe; one per case.
 */
final class RowGen {
  static final int COLUMNS = 6;

  /** One generated write: its stamp and either cells or a tombstone. */
  record Fragment(Stamp stamp, StoredRow row, boolean delete) {}

  private final SplittableRandom random;
  private final Set<Stamp> used = new HashSet<>();

  RowGen(SplittableRandom random) {
    this.random = random;
  }

  /** A stamp no other fragment of this generator has; small ranges make orders interesting. */
  Stamp uniqueStamp() {
    for (;;) {
      Stamp s = new Stamp(Stamp.hlc(1 + random.nextInt(40), random.nextInt(3)), random.nextInt(3));
      if (used.add(s)) {
        return s;
      }
    }
  }

  /** Any stamp, possibly one used before (for adversarial ties). */
  Stamp anyStamp() {
    return new Stamp(Stamp.hlc(1 + random.nextInt(6), 0), random.nextInt(2));
  }

  Object value() {
    return switch (random.nextInt(10)) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextInt(5);
      case 3 -> "v" + random.nextInt(4);
      case 4 -> random.nextBoolean();
      case 5 -> new BigDecimal(BigDecimal.valueOf(random.nextInt(1000)).unscaledValue(),
          random.nextInt(3));
      case 6 -> LocalDate.ofEpochDay(random.nextInt(30_000));
      case 7 -> LocalTime.ofNanoOfDay(random.nextLong(86_400_000_000_000L));
      case 8 -> LocalDateTime.of(2020, 1, 1, 0, 0).plusSeconds(random.nextInt(1_000_000));
      default -> new byte[] {(byte) random.nextInt(3), (byte) random.nextInt(256)};
    };
  }

  /** A write or delete fragment with a unique stamp. */
  Fragment fragment() {
    return fragment(uniqueStamp());
  }

  /** A write or delete fragment with the given stamp. */
  Fragment fragment(Stamp stamp) {
    if (random.nextInt(4) == 0) {
      return new Fragment(stamp, StoredRow.deleted(stamp), true);
    }
    List<Cell> cells = new ArrayList<>();
    cells.add(Cell.of(0, stamp, "k"));
    for (int c = 1; c < COLUMNS; c++) {
      if (random.nextInt(2) == 0) {
        cells.add(Cell.of(c, stamp, value()));
      }
    }
    return new Fragment(stamp, StoredRow.of(null, cells), false);
  }

  /** Between 1 and {@code max} fragments with unique stamps. */
  List<Fragment> fragments(int max) {
    int n = 1 + random.nextInt(max);
    List<Fragment> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(fragment());
    }
    return out;
  }

  /** A reachable state: the merge of a few fragments with unique stamps. */
  StoredRow state(RowMergeModel.Mode mode) {
    StoredRow row = StoredRow.EMPTY;
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      row = RowMerge.merge(row, fragment().row(), mode.resolution());
    }
    return row;
  }

  /** Any row, not necessarily in normal form: random tombstone, random cells, any stamps. */
  StoredRow arbitrary() {
    Stamp tombstone = random.nextInt(3) == 0 ? anyStamp() : null;
    List<Cell> cells = new ArrayList<>();
    for (int c = 0; c < COLUMNS + 2; c++) {
      if (random.nextInt(2) == 0) {
        cells.add(Cell.of(c * (1 + random.nextInt(1000)) , anyStamp(), value()));
      }
    }
    List<Cell> distinct = new ArrayList<>();
    Set<Integer> columns = new HashSet<>();
    for (Cell c : cells) {
      if (columns.add(c.column())) {
        distinct.add(c);
      }
    }
    return StoredRow.of(tombstone, distinct);
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }

  SplittableRandom random() {
    return random;
  }
}
