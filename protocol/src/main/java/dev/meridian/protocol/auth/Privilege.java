package dev.meridian.protocol.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * What a statement needs: a table privilege granted per table (or on every table), or the admin
 * right (DDL, users and grants, repairs), which covers everything.
 */
public enum Privilege {
  /** Reading rows: point reads, scans, index reads. */
  SELECT(1),
  /** {@code INSERT}; {@code UPSERT} needs it and {@link #UPDATE}. */
  INSERT(2),
  /** {@code UPDATE}. */
  UPDATE(4),
  /** {@code DELETE}. */
  DELETE(8),
  /** DDL, user management, grants and operator requests (repair). Not a table privilege. */
  ADMIN(0);

  /** The bits of every table privilege. */
  public static final int ALL_BITS = 15;

  private final int bit;

  Privilege(int bit) {
    this.bit = bit;
  }

  /** This privilege's bit in a grant's bit set (0 for {@link #ADMIN}). */
  public int bit() {
    return bit;
  }

  /** A bit set as SQL names it: {@code ALL} or e.g. {@code SELECT, INSERT}. */
  public static String describe(int bits) {
    if ((bits & ALL_BITS) == ALL_BITS) {
      return "ALL";
    }
    List<String> names = new ArrayList<>();
    for (Privilege p : values()) {
      if (p.bit != 0 && (bits & p.bit) != 0) {
        names.add(p.name());
      }
    }
    return String.join(", ", names);
  }
}
