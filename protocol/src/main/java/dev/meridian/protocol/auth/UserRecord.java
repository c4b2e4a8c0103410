package dev.meridian.protocol.auth;

import dev.meridian.protocol.types.Stamp;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One user as the regions keep and exchange it: the password's {@link ScramVerifier}, whether the
 * user is an admin, and its grants, stamped as a whole. Regions merge two records of one user by
 * keeping the one with the higher stamp (last writer wins per user; a dropped user is a record
 * with {@code dropped} set and no verifier, kept so the drop wins over older copies). The merge
 * is commutative, associative and idempotent. Immutable.
 *
 * @param name the user name (case kept as given; unquoted SQL names arrive upper-cased)
 * @param verifier the password's verifier; null only when dropped
 * @param admin may run DDL, manage users and grants, and ask for repairs
 * @param grants table name to a {@link Privilege} bit set; {@link #ALL_TABLES} covers every table
 * @param stamp the write that made this version (hybrid clock value and origin region)
 * @param dropped whether this version is the user's drop
 */
public record UserRecord(String name, ScramVerifier verifier, boolean admin,
    Map<String, Integer> grants, Stamp stamp, boolean dropped) {

  /** The grant key that stands for every table. */
  public static final String ALL_TABLES = "*";

  /** Checks the parts and freezes the grants (sorted, empty bit sets left out). */
  public UserRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stamp, "stamp");
    if (name.isEmpty() || name.length() > 128) {
      throw new IllegalArgumentException("a user name has 1 to 128 characters");
    }
    if (dropped != (verifier == null)) {
      throw new IllegalArgumentException("a user has a verifier exactly while not dropped");
    }
    TreeMap<String, Integer> g = new TreeMap<>();
    if (grants != null && !dropped) {
      grants.forEach((t, bits) -> {
        int b = bits & Privilege.ALL_BITS;
        if (b != 0) {
          g.put(t, b);
        }
      });
    }
    grants = Collections.unmodifiableMap(g);
    admin = admin && !dropped;
  }

  /** A drop of {@code name} stamped {@code stamp}. */
  public static UserRecord tombstone(String name, Stamp stamp) {
    return new UserRecord(name, null, false, Map.of(), stamp, true);
  }

  /** Whether this user may do {@code privilege} on {@code table}. */
  public boolean may(Privilege privilege, String table) {
    if (dropped) {
      return false;
    }
    if (admin) {
      return true;
    }
    if (privilege == Privilege.ADMIN) {
      return false;
    }
    int bits = grants.getOrDefault(ALL_TABLES, 0) | (table == null ? 0 : grants.getOrDefault(table, 0));
    return (bits & privilege.bit()) != 0;
  }

  /** This record with other grants and admin right, stamped anew. */
  public UserRecord withGrants(Map<String, Integer> newGrants, boolean newAdmin, Stamp newStamp) {
    return new UserRecord(name, verifier, newAdmin, newGrants, newStamp, false);
  }

  /** Which of two records of one user regions keep: the higher stamp. */
  public static UserRecord merge(UserRecord a, UserRecord b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.stamp().compareTo(b.stamp()) >= 0 ? a : b;
  }

  /** The grants as SQL would say them, e.g. {@code SELECT, INSERT ON ORDERS; SELECT ON *}. */
  public String grantsText() {
    StringBuilder b = new StringBuilder();
    if (admin) {
      b.append("ADMIN");
    }
    grants.forEach((t, bits) -> {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(Privilege.describe(bits)).append(" ON ").append(t);
    });
    return b.toString();
  }

  /** Never the verifier's keys. */
  @Override
  public String toString() {
    return "UserRecord[" + name + (dropped ? ", dropped" : "") + (admin ? ", admin" : "")
        + ", " + grants + ", " + stamp + "]";
  }
}
