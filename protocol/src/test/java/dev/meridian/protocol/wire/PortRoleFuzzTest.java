package dev.meridian.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import io.netty.buffer.Unpooled;

/**
 * Jazzer on what the two ports take from strangers: whatever bytes arrive, the driver port never
 * decodes a link message, the link port never decodes a driver request, and the handshakes of
 * both (hellos with credentials, SCRAM challenges and answers included) fail only with
 * {@code 08P01}. Under a plain test run this replays the seed corpus
 * (link frames and hellos of both ports); with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class PortRoleFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void eachPortDecodesOnlyItsOwnRequests(byte[] input) {
    for (PortRole port : PortRole.values()) {
      try {
        Request r = ProtocolCodec.decodeRequest(Unpooled.wrappedBuffer(input), port).request();
        if (port == PortRole.DRIVER) {
          assertFalse(PortRole.isLinkMessage(r), "the driver port decoded " + r);
        } else {
          assertFalse(!PortRole.isLinkMessage(r) && !(r instanceof Request.Ping)
              && !(r instanceof Request.ReadSystemTable), "the link port decoded " + r);
        }
      } catch (MeridianException e) {
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
      }
    }
  }

  @FuzzTest(maxDuration = "10s")
  void handshakesFailOnlyWithProtocolViolation(byte[] input) {
    for (PortRole port : PortRole.values()) {
      try {
        ProtocolCodec.decodeHello(Unpooled.wrappedBuffer(input), port);
      } catch (MeridianException e) {
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
      }
      try {
        ProtocolCodec.decodeWelcome(Unpooled.wrappedBuffer(input), port);
      } catch (MeridianException e) {
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
      }
      try {
        ProtocolCodec.decodeScramFinal(Unpooled.wrappedBuffer(input), port);
      } catch (MeridianException e) {
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
      }
    }
  }
}
