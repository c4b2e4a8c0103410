package dev.meridian.router.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.util.List;
import org.junit.jupiter.api.Test;

class HomeRegionPolicyTest {

  @Test
  void homeFirstThenTheOthersInOrderSkippingDownRegions() {
    HomeRegionPolicy p = new HomeRegionPolicy();
    p.init(RoutingContext.of("eu-west-1", List.of("us-east-1", "eu-west-1", "ap-southeast-1")));
    assertEquals(List.of("eu-west-1", "us-east-1", "ap-southeast-1"), p.plan(RoutingPolicy.Operation.WRITE));
    p.regionDown("eu-west-1");
    assertEquals(List.of("us-east-1", "ap-southeast-1"), p.plan(RoutingPolicy.Operation.READ));
    p.regionDown("us-east-1");
    p.regionDown("ap-southeast-1");
    assertEquals(List.of("eu-west-1", "us-east-1", "ap-southeast-1"), p.plan(RoutingPolicy.Operation.READ));
    p.regionUp("eu-west-1");
    assertEquals(List.of("eu-west-1"), p.plan(RoutingPolicy.Operation.DDL));
  }

  @Test
  void aHomeOutsideTheRegionsIsRejected() {
    MeridianException e = assertThrows(MeridianException.class,
        () -> RoutingContext.of("mars-1", List.of("us-east-1")));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
  }

  @Test
  void anUnknownRegionInAnEventIsRejected() {
    HomeRegionPolicy p = new HomeRegionPolicy();
    p.init(RoutingContext.of("eu-west-1", List.of("eu-west-1")));
    assertThrows(IllegalArgumentException.class, () -> p.regionDown("mars-1"));
  }
}
