package dev.meridian.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: the driver, loaded from a class path without it, opens connections
 * (here to a port where nothing answers, which fails with {@code 08001} as it should) without a
 * linkage error; a registry of the wrong type is refused with {@code 22023}.
 */
class WithoutMicrometerTest {

  private static ClassLoader withoutMicrometer() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("micrometer") && !entry.contains("HdrHistogram")
          && !entry.contains("LatencyUtils")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theDriverRunsWithoutMicrometerOnTheClassPath() throws Exception {
    ClassLoader loader = withoutMicrometer();
    assertThrows(ClassNotFoundException.class,
        () -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader));
    Driver driver = (Driver) Class.forName("dev.meridian.driver.api.MeridianDriver", true, loader)
        .getDeclaredConstructor().newInstance();
    String url = "jdbc:meridian://us-east-1=127.0.0.1:" + closedPort()
        + "/?region=us-east-1&connectTimeout=500";
    assertTrue(driver.getPropertyInfo(url, new Properties()).length > 0);
    // The routing policy is found by name through the context class loader.
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      SQLException e = assertThrows(SQLException.class,
          () -> driver.connect(url, new Properties()));
      assertEquals("08001", e.getSQLState(), e.toString());
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
    // The meters' factory itself, as the connector calls it, in that class loader.
    Method of = Class.forName("dev.meridian.driver.internal.DriverMeters", true, loader)
        .getDeclaredMethod("of", Object.class, String.class);
    of.setAccessible(true);
    Object none = of.invoke(null, null, "us-east-1");
    java.lang.reflect.Field noneField =
        Class.forName("dev.meridian.driver.internal.DriverMeters", true, loader).getField("NONE");
    noneField.setAccessible(true);
    assertEquals(noneField.get(null), none);
    InvocationTargetException refused = assertThrows(InvocationTargetException.class,
        () -> of.invoke(null, "not a registry", "us-east-1"));
    assertTrue(refused.getCause().getMessage().contains("Micrometer"),
        refused.getCause().getMessage());
  }
}
