package dev.meridian.router.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.router.internal.NearestHealthyPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingPoliciesTest {
  private static final ClassLoader LOADER = RoutingPoliciesTest.class.getClassLoader();

  @Test
  void theDefaultLoadsByName() {
    assertInstanceOf(NearestHealthyPolicy.class, RoutingPolicies.load(RoutingPolicies.DEFAULT, LOADER));
    assertInstanceOf(NearestHealthyPolicy.class, RoutingPolicies.createDefault());
  }

  @Test
  void anotherPolicyLoadsByName() {
    RoutingPolicy p = RoutingPolicies.load(" " + HomeRegionPolicy.class.getName() + " ", LOADER);
    p.init(RoutingContext.of("eu-west-1", List.of("eu-west-1")));
    assertEquals(List.of("eu-west-1"), p.plan(RoutingPolicy.Operation.READ));
  }

  @Test
  void aMissingClassIsRejected() {
    assertRejected("dev.meridian.NoSuchPolicy", "was not found");
  }

  @Test
  void aBlankNameIsRejected() {
    assertRejected(" ", "class name is empty");
    assertRejected(null, "class name is empty");
  }

  @Test
  void aClassThatIsNotAPolicyIsRejected() {
    assertRejected(String.class.getName(), "does not implement");
  }

  @Test
  void anAbstractPolicyIsRejected() {
    assertRejected(RoutingPolicy.class.getName(), "is abstract");
  }

  @Test
  void aPolicyWithoutAPublicNoArgConstructorIsRejected() {
    assertRejected(NeedsAnArgument.class.getName(), "no public no-arg constructor");
  }

  @Test
  void aPolicyWhoseConstructorFailsIsRejectedWithTheCause() {
    MeridianException e = assertRejected(Fails.class.getName(), "failed");
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  private static MeridianException assertRejected(String className, String messagePart) {
    MeridianException e = assertThrows(MeridianException.class,
        () -> RoutingPolicies.load(className, LOADER));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.state());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    return e;
  }

  /** Public, but its only constructor takes an argument. */
  public static final class NeedsAnArgument extends Stub {
    public NeedsAnArgument(String unused) {}
  }

  /** Its constructor throws. */
  public static final class Fails extends Stub {
    public Fails() {
      throw new IllegalStateException("no");
    }
  }

  abstract static class Stub implements RoutingPolicy {
    @Override
    public void init(RoutingContext context) {}

    @Override
    public List<String> plan(Operation operation) {
      return List.of();
    }

    @Override
    public void regionUp(String region) {}

    @Override
    public void regionDown(String region) {}

    @Override
    public void close() {}
  }
}
