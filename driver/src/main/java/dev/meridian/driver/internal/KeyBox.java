package dev.meridian.driver.internal;

import java.util.Arrays;

/**
 * A primary key's values as a map key: equality by value, byte arrays included. Immutable as
 * long as the array is not changed.
 */
final class KeyBox {
  private final Object[] values;
  private final int hash;

  KeyBox(Object[] values) {
    this.values = values;
    this.hash = Arrays.deepHashCode(values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyBox k && hash == k.hash && Arrays.deepEquals(values, k.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
