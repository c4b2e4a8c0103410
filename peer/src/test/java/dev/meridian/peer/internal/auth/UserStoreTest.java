package dev.meridian.peer.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.peer.testing.Await;
import dev.meridian.peer.testing.TestRegion;
import dev.meridian.protocol.auth.Privilege;
import dev.meridian.protocol.auth.Scram;
import dev.meridian.protocol.auth.UserRecord;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.protocol.types.Stamp;
import dev.meridian.protocol.wire.Request;
import dev.meridian.protocol.wire.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The region's users on a real two-peer region: changes through one peer are seen by the other,
 * stamps order every change after the version it replaces, another region's records merge by
 * stamp, and {@link AccessControl} decides from the current record.
 */
class UserStoreTest {
  static TestRegion region;

  @BeforeAll
  static void start() {
    region = TestRegion.start("us-east-1", 2);
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  private static UserStore store(int peer) {
    return region.peer(peer).users();
  }

  private static UserRecord awaitUser(int peer, String name, java.util.function.Predicate<UserRecord> ok) {
    UserRecord[] seen = new UserRecord[1];
    Await.until("peer " + peer + " to see the change of " + name, Duration.ofSeconds(10),
        () -> ok.test(seen[0] = store(peer).user(name)));
    return seen[0];
  }


  @Test
  void changesThroughOnePeerAreSeenByTheOtherAndEachStampsAboveTheLast() {
    UserStore a = store(0);
    assertTrue(a.put("carol", Scram.verifier("pw"), true, false));
    MeridianException dup = assertThrows(MeridianException.class,
        () -> a.put("carol", Scram.verifier("pw"), true, false));
    assertEquals(SqlState.DUPLICATE_OBJECT, dup.state());
    assertFalse(a.put("carol", Scram.verifier("pw"), true, true), "IF NOT EXISTS");
    Stamp created = a.user("carol").stamp();
    assertNotNull(awaitUser(1, "carol", r -> r != null));
    assertTrue(store(1).grant("carol", "ORDERS", Privilege.SELECT.bit() | Privilege.INSERT.bit(),
        false, false));
    UserRecord granted = awaitUser(0, "carol", r -> r.may(Privilege.INSERT, "ORDERS"));
    assertTrue(granted.stamp().after(created));
    assertFalse(store(1).grant("carol", "ORDERS", Privilege.SELECT.bit(), false, false),
        "granting what is held changes nothing");
    assertTrue(a.grant("carol", "ORDERS", Privilege.INSERT.bit(), false, true));
    awaitUser(1, "carol", r -> !r.may(Privilege.INSERT, "ORDERS") && r.may(Privilege.SELECT, "ORDERS"));
    assertTrue(a.grant("carol", UserRecord.ALL_TABLES, 0, true, false));
    assertTrue(awaitUser(1, "carol", UserRecord::admin).may(Privilege.ADMIN, null));
    assertTrue(store(1).drop("carol", false));
    awaitUser(0, "carol", r -> r == null);
    assertEquals(SqlState.UNDEFINED_OBJECT, assertThrows(MeridianException.class,
        () -> a.drop("carol", false)).state());
    assertFalse(a.drop("carol", true));
    assertEquals(SqlState.UNDEFINED_OBJECT, assertThrows(MeridianException.class,
        () -> a.put("carol", Scram.verifier("pw"), false, false)).state(), "ALTER of a dropped user");
  }

  @Test
  void anotherRegionsRecordsMergeByStamp() {
    UserStore a = store(0);
    a.put("dave", Scram.verifier("pw"), true, false);
    UserRecord ours = a.user("dave");
    UserRecord older = new UserRecord("dave", Scram.verifier("old"), true, Map.of(),
        new Stamp(ours.stamp().hlc() - 1, 1), false);
    assertEquals(0, a.adopt(List.of(older)));
    assertFalse(a.user("dave").admin(), "an older version never wins");
    UserRecord dropLater = UserRecord.tombstone("dave", new Stamp(ours.stamp().hlc() + 1, 1));
    assertEquals(1, a.adopt(List.of(dropLater)));
    awaitUser(1, "dave", r -> r == null);
    UserRecord fresh = new UserRecord("erin", Scram.verifier("pw"), false, Map.of("T", 1),
        new Stamp(ours.stamp().hlc(), 99), false);
    assertEquals(1, a.adopt(List.of(fresh, fresh)));
    assertEquals(fresh, awaitUser(1, "erin", r -> r != null));
    assertTrue(a.records().stream().anyMatch(r -> r.name().equals("dave") && r.dropped()),
        "a drop stays as a stamped tombstone");
  }

  @Test
  void accessControlDecidesFromTheCurrentRecord() throws Exception {
    UserStore a = store(0);
    a.put("frank", Scram.verifier("pw"), true, false);
    AccessControl access = new AccessControl(() -> a, id -> region.peer(0).tableById(id));
    Request.Repair repair = new Request.Repair("");
    Response.Error denied = access.check("frank", repair).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals(SqlState.INSUFFICIENT_PRIVILEGE, denied.state());
    assertTrue(denied.message().contains("ADMIN"), denied.message());
    assertNull(access.check("frank", new Request.GetCatalog()).toCompletableFuture()
        .get(5, TimeUnit.SECONDS));
    a.grant("frank", UserRecord.ALL_TABLES, 0, true, false);
    assertNull(access.check("frank", repair).toCompletableFuture().get(5, TimeUnit.SECONDS));
    access.answered("frank", new Request.Scan(1, new int[0], null, 10),
        new Response.ScanPage(77L, List.of(), false));
    assertNull(access.check("frank", new Request.ScanNext(77L, 10)).toCompletableFuture()
        .get(5, TimeUnit.SECONDS));
    a.put("gina", Scram.verifier("pw"), true, true);
    Response.Error notHers = access.check("gina", new Request.ScanNext(77L, 10))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(SqlState.INSUFFICIENT_PRIVILEGE, notHers.state(), "another user's scan");
    access.answered("frank", new Request.ScanNext(77L, 10),
        new Response.ScanPage(77L, List.of(), true));
    assertNull(access.check("gina", new Request.ScanClose(77L)).toCompletableFuture()
        .get(5, TimeUnit.SECONDS), "a finished scan is forgotten");
    a.drop("frank", false);
    assertEquals(SqlState.INVALID_AUTHORIZATION, access.check("frank", new Request.Ping())
        .toCompletableFuture().get(5, TimeUnit.SECONDS).state());
  }

  @Test
  void theFirstAdminIsCreatedOnlyInARegionThatNeverHadAUser() {
    // Other tests of this class have made users: the region is not new.
    store(0).put("grace", Scram.verifier("pw"), true, true);
    assertFalse(store(1).bootstrap("root", "pw"));
    assertNull(store(1).user("root"));
  }
}
