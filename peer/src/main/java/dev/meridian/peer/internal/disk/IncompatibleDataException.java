package dev.meridian.peer.internal.disk;

/** A data directory or segment written by an incompatible version; the peer refuses to start. */
public final class IncompatibleDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message that says what was found. */
  public IncompatibleDataException(String message) {
    super(message);
  }
}
