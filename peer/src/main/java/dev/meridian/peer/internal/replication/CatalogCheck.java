package dev.meridian.peer.internal.replication;

import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a catalog a link sent ({@link Request.SyncCatalog}) may be adopted at all: a catalog
 * names no single region (regions pass on what they learnt from others), so what is checked is
 * what no region could have sent: a table or dropped incarnation with a system or zero id, two
 * tables of one name, a user twice, a user version stamped by a region this one does not know, or
 * stamped more than a day ahead of local time (it would win over every later change of that
 * user for a day). A catalog that fails is refused whole, logged and counted, and nothing of it
 * applies. Stateless and thread-safe.
 */
final class CatalogCheck {
  private CatalogCheck() {}

  /**
   * @param knownRegions the ids of this region and every region it replicates with
   * @param nowMillis local wall-clock time
   * @return null when the catalog may be adopted, else what is wrong
   */
  static String problem(Request.SyncCatalog c, Set<Integer> knownRegions, long nowMillis) {
    if (c.tables() == null || c.dropped() == null || c.users() == null) {
      return "a part is missing";
    }
    Set<String> names = new HashSet<>();
    for (TableSchema t : c.tables()) {
      if (t.tableId() <= 0 && t.tableId() > -1000) {
        // Random ids may be negative; only the system tables' small negative ids and 0 are out.
        return "table " + t.name() + " has the reserved id " + t.tableId();
      }
      if (!names.add(t.name())) {
        return "table " + t.name() + " is named twice";
      }
    }
    for (long id : c.dropped()) {
      if (id == 0 || (id < 0 && id > -1000)) {
        return "dropped incarnation " + id + " is a reserved id";
      }
    }
    Set<String> users = new HashSet<>();
    for (UserRecord u : c.users()) {
      if (!users.add(u.name())) {
        return "user " + u.name() + " is sent twice";
      }
      if (!knownRegions.contains(u.stamp().origin())) {
        return "user " + u.name() + " is stamped by region id " + u.stamp().origin()
            + ", which this region does not replicate with";
      }
      if (u.stamp().millis() - nowMillis > FragmentCheck.MAX_STAMP_AHEAD_MS) {
        return "user " + u.name() + " is stamped more than a day ahead (" + u.stamp() + ")";
      }
    }
    return null;
  }
}
