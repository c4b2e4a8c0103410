package dev.meridian.peer.internal.auth;

import dev.meridian.protocol.auth.Privilege;
import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.TableSchema;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import dev.meridian.protocol.wire.WriteKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Decides, per request of an authenticated driver connection, whether its user may make it, from
 * the user's current record: a revoke or a drop takes effect at the user's next request on every
 * open connection of the region (within the few milliseconds a change takes to reach each peer's
 * copy), and in other regions once the change has replicated there.
 *
 * <p>What each request needs: reads ({@code Get}, {@code Scan}, {@code IndexScan}) SELECT on the
 * table; a {@code Write} its kind's privilege (UPSERT needs INSERT and UPDATE); DDL, index
 * changes, user management, grants and {@code Repair} the admin right. Metadata (catalog,
 * partitions, indexes, system tables, pings, session waits) need only a live user, and the
 * next pages of a scan only that it is the user who opened it. A denial is {@code 42501} naming the privilege and the table; a
 * dropped user is {@code 28000}. Thread-safe, never blocks.
 */
public final class AccessControl {
  private static final long SCAN_OWNER_MILLIS = 3_600_000;

  private final Supplier<UserStore> users;
  private final LongFunction<CompletionStage<TableSchema>> tables;
  /** Open scans' owners: scan id to {user, opened at}; a scan's pages are its owner's only. */
  private final java.util.concurrent.ConcurrentMap<Long, Object[]> scanOwners =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param users the region's users (null until the peer has started)
   * @param tables a table's definition by id (null when there is none)
   */
  public AccessControl(Supplier<UserStore> users,
      LongFunction<CompletionStage<TableSchema>> tables) {
    this.users = users;
    this.tables = tables;
  }

  /** Null when {@code user} may make {@code request}, else the error to answer. */
  public CompletionStage<Response.Error> check(String user, Request request) {
    UserStore store = users.get();
    UserRecord r = store == null ? null : store.user(user);
    if (r == null) {
      return done(new Response.Error(SqlState.INVALID_AUTHORIZATION, "user " + user
          + " no longer exists (dropped); connect as another user"));
    }
    if (request instanceof Request.ScanNext n) {
      return done(scanOwnedBy(n.scanId(), user));
    } else if (request instanceof Request.ScanClose c) {
      return done(scanOwnedBy(c.scanId(), user));
    } else if (request instanceof Request.Get g) {
      return table(r, Privilege.SELECT, g.tableId(), "read");
    } else if (request instanceof Request.Scan s) {
      return table(r, Privilege.SELECT, s.tableId(), "read");
    } else if (request instanceof Request.IndexScan s) {
      return table(r, Privilege.SELECT, s.tableId(), "read");
    } else if (request instanceof Request.Write w) {
      if (w.kind() == WriteKind.UPSERT) {
        return table(r, Privilege.INSERT, w.tableId(), "UPSERT into")
            .thenCompose(denied -> denied != null ? done(denied)
                : table(r, Privilege.UPDATE, w.tableId(), "UPSERT into"));
      }
      Privilege p = w.kind() == null ? Privilege.INSERT : switch (w.kind()) {
        case INSERT -> Privilege.INSERT;
        case UPDATE -> Privilege.UPDATE;
        case DELETE -> Privilege.DELETE;
        case UPSERT -> Privilege.UPDATE;
      };
      return table(r, p, w.tableId(), w.kind() == null ? "write" : w.kind().name() + " on");
    } else if (request instanceof Request.CreateTable || request instanceof Request.DropTable
        || request instanceof Request.AlterTable || request instanceof Request.CreateIndex || request instanceof Request.DropIndex
        || request instanceof Request.PutUser || request instanceof Request.DropUser
        || request instanceof Request.Grant || request instanceof Request.Repair) {
      return done(r.admin() ? null : new Response.Error(SqlState.INSUFFICIENT_PRIVILEGE,
          "permission denied: " + what(request) + " needs the ADMIN right, which user "
              + user + " does not have"));
    }
    return done(null);
  }

  /**
   * Notes who opened a scan (an answer to a {@code Scan} that has more pages), so only that user
   * reads its next pages; forgets it with its last page.
   */
  public void answered(String user, Request request, Response answer) {
    if (answer instanceof Response.ScanPage page) {
      if (page.last()) {
        scanOwners.remove(page.scanId());
      } else if (request instanceof Request.Scan) {
        long now = System.currentTimeMillis();
        if (scanOwners.size() > 10_000) {
          scanOwners.values().removeIf(o -> now - (Long) o[1] > SCAN_OWNER_MILLIS);
        }
        scanOwners.put(page.scanId(), new Object[] {user, now});
      }
    }
  }

  private Response.Error scanOwnedBy(long scanId, String user) {
    Object[] owner = scanOwners.get(scanId);
    if (owner == null || owner[0].equals(user)) {
      return null; // an unknown scan is answered as such by the scans themselves
    }
    return new Response.Error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied: scan "
        + scanId + " was opened by another user");
  }

  private CompletionStage<Response.Error> table(UserRecord r, Privilege p, long tableId,
      String verb) {
    if (r.admin()) {
      return done(null);
    }
    return tables.apply(tableId).thenApply(schema -> {
      String name = schema == null ? null : schema.name();
      if (name != null && r.may(p, name)) {
        return null;
      }
      if (name == null) {
        return null; // no such table: the request's own answer says so
      }
      return new Response.Error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied for table "
          + name + ": " + p + " is needed to " + verb + " it, and user " + r.name()
          + " has not been granted it (GRANT " + p + " ON " + name + " TO " + r.name() + ")");
    });
  }

  private static String what(Request request) {
    String n = request.getClass().getSimpleName();
    return switch (n) {
      case "CreateTable" -> "CREATE TABLE";
      case "DropTable" -> "DROP TABLE";
      case "AlterTable" -> "ALTER TABLE";
      case "CreateIndex" -> "CREATE INDEX";
      case "DropIndex" -> "DROP INDEX";
      case "PutUser" -> "CREATE/ALTER USER";
      case "DropUser" -> "DROP USER";
      case "Grant" -> "GRANT/REVOKE";
      default -> n;
    };
  }

  private static CompletionStage<Response.Error> done(Response.Error e) {
    return CompletableFuture.completedFuture(e);
  }
}
