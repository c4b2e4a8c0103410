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

  /**
   * The client's opening frame; with credentials it carries the user and SCRAM's client-first
   * message (both null without).
   */
  public record Hello(int version, String client, String user, String scramFirst) {
    /** A hello without credentials. */
    public Hello(int version, String client) {
      this(version, client, null, null);
    }
  }

  /**
   * The peer's answer to {@link Hello} (and to {@link ScramFinal}), one of three: accepted
   * ({@code error == null && challenge == null}) with who it is and, after SCRAM, the
   * server-final message; a SCRAM challenge (the server-first message) the client must answer
   * with {@link ScramFinal}; or refused with a reason and its SQLState ({@code 08001} unless
   * said, {@code 28P01} for a wrong password).
   */
  public record Welcome(int version, String region, String peer, String error,
      dev.meridian.protocol.error.SqlState errorState, String challenge, String scramFinal) {
    /** Accepted ({@code error == null}) or refused with {@code 08001}. */
    public Welcome(int version, String region, String peer, String error) {
      this(version, region, peer, error, null, null, null);
    }

    /** A SCRAM challenge carrying the server-first message. */
    public static Welcome challenge(int version, String serverFirst) {
      return new Welcome(version, null, null, null, null, serverFirst, null);
    }

    /** A refusal with its SQLState. */
    public static Welcome refused(int version, dev.meridian.protocol.error.SqlState state,
        String why) {
      return new Welcome(version, null, null, why, state, null, null);
    }
  }

  /** The client's answer to a SCRAM challenge: the client-final message. */
  public record ScramFinal(String message) {}
}
