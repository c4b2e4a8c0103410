package dev.meridian.router.api;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import dev.meridian.router.internal.NearestHealthyPolicy;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Creates routing policies by class name, as the routing setting names them. Stateless and
 * thread-safe. The returned policy is not initialised yet: call {@link RoutingPolicy#init}.
 */
public final class RoutingPolicies {

  /** The class name of the default policy, {@link NearestHealthyPolicy}. */
  public static final String DEFAULT = NearestHealthyPolicy.class.getName();

  private RoutingPolicies() {}

  /** A new default policy. */
  public static RoutingPolicy createDefault() {
    return new NearestHealthyPolicy();
  }

  /**
   * Loads {@code className} with {@code loader} and creates one with its public no-arg
   * constructor.
   *
   * @throws MeridianException with SQLState {@code 22023} when the name is blank, the class is
   *     missing, is not a concrete public {@link RoutingPolicy}, has no public no-arg
   *     constructor, or its constructor fails (the failure is the cause)
   */
  public static RoutingPolicy load(String className, ClassLoader loader) {
    if (className == null || className.isBlank()) {
      throw invalid("the routing policy class name is empty; name a class that implements "
          + RoutingPolicy.class.getName() + ", such as " + DEFAULT, null);
    }
    String name = className.strip();
    Class<?> type;
    try {
      type = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw invalid("routing policy class " + name + " was not found; check its spelling and"
          + " that its jar is on the classpath", e);
    }
    if (!RoutingPolicy.class.isAssignableFrom(type)) {
      throw invalid("routing policy class " + name + " does not implement "
          + RoutingPolicy.class.getName(), null);
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw invalid("routing policy class " + name + " is abstract; name a concrete class", null);
    }
    Constructor<? extends RoutingPolicy> constructor;
    try {
      constructor = type.asSubclass(RoutingPolicy.class).getConstructor();
    } catch (NoSuchMethodException e) {
      throw invalid("routing policy class " + name + " has no public no-arg constructor;"
          + " add one (settings arrive later, through init)", e);
    }
    try {
      return constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw invalid("the constructor of routing policy class " + name + " failed: "
          + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw invalid("routing policy class " + name + " cannot be instantiated (" + e
          + "); make the class and its no-arg constructor public", e);
    }
  }

  private static MeridianException invalid(String message, Throwable cause) {
    return new MeridianException(SqlState.INVALID_PARAMETER_VALUE, message, cause);
  }
}
