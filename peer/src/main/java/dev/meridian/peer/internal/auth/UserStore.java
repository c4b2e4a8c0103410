package dev.meridian.peer.internal.auth;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.meridian.peer.internal.clock.HybridClock;
import dev.meridian.protocol.auth.ScramVerifier;
import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.auth.UserRecords;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The region's users: the {@link IMap} {@value #MAP_NAME} from user name to an encoded
 * {@link UserRecord} (dropped users stay as stamped tombstones, so a drop wins over the older
 * copies other regions still send). Regions exchange every record with the catalog and keep, per
 * user, the version with the higher stamp ({@link UserRecord#merge}), so all converge.
 *
 * <p>Each change is a compare-and-set on the user's entry, stamped by the region's hybrid clock
 * above the version it replaces. Lookups ({@link #user}) read a local copy kept current by a map
 * listener: a change made through another peer of the region reaches this one within
 * milliseconds. Thread-safe; the changing methods block (call them off event loops).
 */
public final class UserStore {
  /** The name of the user map. */
  public static final String MAP_NAME = "meridian.users";

  private final IMap<String, byte[]> map;
  private final HybridClock clock;
  private final ConcurrentMap<String, UserRecord> local = new ConcurrentHashMap<>();
  private final List<Runnable> changeHooks = new CopyOnWriteArrayList<>();
  private volatile UUID listener;

  public UserStore(HazelcastInstance hazelcast, HybridClock clock) {
    this.map = hazelcast.getMap(MAP_NAME);
    this.clock = clock;
  }

  /** Subscribes to changes and loads every record (blocking). */
  public void start() {
    listener = map.addEntryListener(new Listener(), true);
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      remember(UserRecords.fromBytes(e.getValue()));
    }
  }

  /** Unsubscribes. */
  public void close() {
    UUID id = listener;
    if (id != null) {
      map.removeEntryListener(id);
    }
  }

  /** The live (not dropped) user of that name, or null. Never blocks. */
  public UserRecord user(String name) {
    UserRecord r = name == null ? null : local.get(name);
    return r == null || r.dropped() ? null : r;
  }

  /** Every record, dropped users included, sorted by name (blocking: read from the map). */
  public List<UserRecord> records() {
    List<UserRecord> all = new ArrayList<>();
    for (byte[] b : map.values()) {
      all.add(UserRecords.fromBytes(b));
    }
    all.sort(Comparator.comparing(UserRecord::name));
    return all;
  }

  /** Whether the region has ever had a user (a dropped one counts). */
  public boolean isEmpty() {
    return map.isEmpty();
  }

  /**
   * Creates the first admin when the region has never had a user (blocking). Regions that
   * bootstrap the same name concurrently converge on one record by stamp; each record holds the
   * same password, so either works.
   *
   * @return whether this call created it
   */
  public boolean bootstrap(String name, String password) {
    if (!map.isEmpty()) {
      return false;
    }
    UserRecord admin = new UserRecord(name, dev.meridian.protocol.auth.Scram.verifier(password),
        true, Map.of(), clock.stampAfter(Stamp.ZERO), false);
    boolean created = map.putIfAbsent(name, UserRecords.toBytes(admin)) == null;
    if (created) {
      remember(admin);
      changed();
    }
    return created;
  }

  /**
   * Creates a user, or sets an existing one's password (blocking).
   *
   * @return whether anything changed
   * @throws MeridianException {@code 42710} when creating a user that exists (without
   *     {@code ifNotExists}), {@code 42704} when setting the password of a user that does not
   */
  public boolean put(String name, ScramVerifier verifier, boolean create, boolean ifNotExists) {
    return change(name, old -> {
      boolean exists = old != null && !old.dropped();
      if (create && exists) {
        if (ifNotExists) {
          return null;
        }
        throw new MeridianException(SqlState.DUPLICATE_OBJECT, "user " + name + " already exists");
      }
      if (!create && !exists) {
        throw noSuchUser(name);
      }
      return new UserRecord(name, verifier, exists && old.admin(),
          exists ? old.grants() : Map.of(), stamp(old), false);
    });
  }

  /** Drops a user (blocking); false when there is none and {@code ifExists}. */
  public boolean drop(String name, boolean ifExists) {
    return change(name, old -> {
      if (old == null || old.dropped()) {
        if (ifExists) {
          return null;
        }
        throw noSuchUser(name);
      }
      return UserRecord.tombstone(name, stamp(old));
    });
  }

  /**
   * Grants or revokes table privileges on {@code table} (or {@link UserRecord#ALL_TABLES})
   * and/or the admin right (blocking). Revoking from every table also clears the per-table
   * grants, as {@code REVOKE ... ON ALL TABLES} is read.
   */
  public boolean grant(String name, String table, int bits, boolean admin, boolean revoke) {
    return change(name, old -> {
      if (old == null || old.dropped()) {
        throw noSuchUser(name);
      }
      Map<String, Integer> grants = new HashMap<>(old.grants());
      boolean isAdmin = old.admin();
      if (revoke) {
        if (bits != 0) {
          if (UserRecord.ALL_TABLES.equals(table)) {
            grants.replaceAll((t, b) -> b & ~bits);
          } else {
            grants.computeIfPresent(table, (t, b) -> b & ~bits);
          }
        }
        isAdmin = isAdmin && !admin;
      } else {
        if (bits != 0) {
          grants.merge(table, bits, (a, b) -> a | b);
        }
        isAdmin = isAdmin || admin;
      }
      UserRecord next = old.withGrants(grants, isAdmin, stamp(old));
      return next.grants().equals(old.grants()) && next.admin() == old.admin() ? null : next;
    });
  }

  /**
   * Adopts other regions' records (blocking): keeps, per user, the version with the higher stamp.
   *
   * @return how many records changed here
   */
  public int adopt(List<UserRecord> theirs) {
    int changed = 0;
    for (UserRecord r : theirs) {
      while (true) {
        byte[] current = map.get(r.name());
        if (current == null) {
          if (map.putIfAbsent(r.name(), UserRecords.toBytes(r)) == null) {
            remember(r);
            changed++;
            break;
          }
          continue;
        }
        UserRecord ours = UserRecords.fromBytes(current);
        if (UserRecord.merge(ours, r) == ours) {
          break;
        }
        if (map.replace(r.name(), current, UserRecords.toBytes(r))) {
          remember(r);
          changed++;
          break;
        }
      }
    }
    return changed;
  }

  /** Runs a hook after each change made through this peer (to push it to other regions). */
  public void onChange(Runnable hook) {
    changeHooks.add(hook);
  }

  private boolean change(String name, UnaryOperator<UserRecord> next) {
    while (true) {
      byte[] current = map.get(name);
      UserRecord old = current == null ? null : UserRecords.fromBytes(current);
      UserRecord updated = next.apply(old);
      if (updated == null) {
        return false;
      }
      byte[] bytes = UserRecords.toBytes(updated);
      boolean done = current == null ? map.putIfAbsent(name, bytes) == null
          : map.replace(name, current, bytes);
      if (done) {
        remember(updated);
        changed();
        return true;
      }
    }
  }

  private Stamp stamp(UserRecord old) {
    return clock.stampAfter(old == null ? Stamp.ZERO : old.stamp());
  }

  private void remember(UserRecord r) {
    local.merge(r.name(), r, UserRecord::merge);
  }

  private void changed() {
    changeHooks.forEach(Runnable::run);
  }

  private static MeridianException noSuchUser(String name) {
    return new MeridianException(SqlState.UNDEFINED_OBJECT, "user " + name + " does not exist");
  }

  private final class Listener implements EntryAddedListener<String, byte[]>,
      EntryUpdatedListener<String, byte[]>, EntryRemovedListener<String, byte[]> {
    @Override
    public void entryAdded(EntryEvent<String, byte[]> event) {
      remember(UserRecords.fromBytes(event.getValue()));
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> event) {
      remember(UserRecords.fromBytes(event.getValue()));
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> event) {
      local.remove(event.getKey());
    }
  }
}
