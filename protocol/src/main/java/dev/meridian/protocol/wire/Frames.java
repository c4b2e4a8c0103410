package dev.meridian.protocol.wire;

/**
 * Envelopes that carry a message with its request id through a Netty pipeline.
 */
public final class Frames {
  private Frames() {}

  /** A request with the id the client chose for it. */
  public record RequestFrame(int requestId, Request request) {}

  /**
   * A response to request {@code requestId}; {@code more} is set on every frame of a streamed
   * answer but the last.
   */
  public record ResponseFrame(int requestId, Response response, boolean more) {
    /** A complete (single-frame) response. */
    public ResponseFrame(int requestId, Response response) {
      this(requestId, response, false);
    }
  }

  /** The client's opening frame. */
  public record Hello(int version, String client) {}

  /**
   * The peer's answer to {@link Hello}: accepted ({@code error == null}) with who it is, or
   * refused with a reason.
   */
  public record Welcome(int version, String region, String peer, String error) {}
}
