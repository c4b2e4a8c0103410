package dev.meridian.driver.internal;

/** The product's and the driver's names and versions. Constants only. */
final class ProductInfo {
  static final String PRODUCT_NAME = "Meridian";
  static final String DRIVER_NAME = "Meridian JDBC Driver";
  static final int MAJOR = 0;
  static final int MINOR = 1;
  static final String VERSION = "0.1.0-SNAPSHOT";
  static final int JDBC_MAJOR = 4;
  static final int JDBC_MINOR = 3;

  private ProductInfo() {}
}
