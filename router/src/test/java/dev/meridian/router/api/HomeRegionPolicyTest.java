package dev.meridian.router.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HomeRegionPolicyTest {

  @Test
  void homeFirstThenTheOthersInOrderSkippingDownRegions() {
    HomeRegionPolicy p = new HomeRegionPolicy();
    p.init("eu-west-1", List.of("us-east-1", "eu-west-1", "ap-southeast-1"));
    assertEquals(List.of("eu-west-1", "us-east-1", "ap-southeast-1"), p.plan(RoutingPolicy.Operation.WRITE));
    p.onDown("eu-west-1");
    assertEquals(List.of("us-east-1", "ap-southeast-1"), p.plan(RoutingPolicy.Operation.READ));
    p.onDown("us-east-1");
    p.onDown("ap-southeast-1");
    assertEquals(List.of("eu-west-1", "us-east-1", "ap-southeast-1"), p.plan(RoutingPolicy.Operation.READ));
    p.onUp("eu-west-1");
    assertEquals(List.of("eu-west-1"), p.plan(RoutingPolicy.Operation.DDL));
  }

  @Test
  void aHomeOutsideTheRegionsIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new HomeRegionPolicy().init("mars-1", List.of("us-east-1")));
  }
}
