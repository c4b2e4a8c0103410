package dev.meridian.peer.api;

import java.util.Locale;

/** When a write counts as durable on a peer's disk (the {@code durability} option). */
public enum Durability {
  /** Acknowledged once the owner's log is forced to disk; writes share forces (group commit). */
  SYNC,
  /** Acknowledged at once; the log is forced every {@code durabilityPeriodMs}. */
  PERIODIC;

  /** The option's value as written in YAML. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The durability named {@code text} (case-insensitive), or null for no such name. */
  public static Durability of(String text) {
    for (Durability d : values()) {
      if (d.key().equalsIgnoreCase(text.strip())) {
        return d;
      }
    }
    return null;
  }
}
