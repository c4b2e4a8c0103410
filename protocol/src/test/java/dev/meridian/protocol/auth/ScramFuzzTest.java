package dev.meridian.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer on what a peer reads from a stranger during a login and from another region's catalog:
 * whatever the SCRAM messages hold, the server's exchange fails only with {@code 08P01} or
 * {@code 28P01} (never anything else, never a success without the password); whatever bytes a
 * user record holds, its decoder fails only with {@code 08P01}. The two messages of an exchange
 * are the input's text before and after its first NUL byte. Under a plain test run this replays
 * the seed corpus (a genuine exchange's messages, near misses, a user record of each kind); with
 * {@code JAZZER_FUZZ=1} it fuzzes.
 */
class ScramFuzzTest {
  static final ScramVerifier STORED = Scram.verifier("the real password", new byte[16], 4096);

  @FuzzTest(maxDuration = "10s")
  void theServersExchangeFailsOnlyWithProtocolOrPasswordErrors(byte[] input) {
    String[] m = split(input);
    String clientFirst = m[0];
    String clientFinal = m[1];
    Scram.Server server = new Scram.Server("serverNonce");
    try {
      server.readFirst(clientFirst);
      server.first(STORED);
      server.finish(clientFinal);
      throw new AssertionError("a login without the password: " + clientFirst + " / "
          + clientFinal);
    } catch (MeridianException e) {
      assertTrue(e.state() == SqlState.PROTOCOL_VIOLATION
          || e.state() == SqlState.INVALID_PASSWORD, e.state() + " " + e.getMessage());
    }
  }

  @FuzzTest(maxDuration = "10s")
  void theClientFailsOnlyWithProtocolOrAuthorizationErrors(byte[] input) {
    String[] m = split(input);
    String serverFirst = m[0];
    String serverFinal = m[1];
    Scram.Client client = new Scram.Client("user", "pw", "clientNonce", null);
    try {
      client.finalMessage(serverFirst);
      client.verifyServer(serverFinal);
      throw new AssertionError("a server proved a password it cannot know");
    } catch (MeridianException e) {
      assertTrue(e.state() == SqlState.PROTOCOL_VIOLATION
          || e.state() == SqlState.INVALID_AUTHORIZATION
          || e.state() == SqlState.INVALID_PASSWORD, e.state() + " " + e.getMessage());
    }
  }

  @FuzzTest(maxDuration = "10s")
  void userRecordsFailOnlyWithProtocolViolation(byte[] input) {
    try {
      UserRecord r = UserRecords.read(Unpooled.wrappedBuffer(input));
      assertEquals(r, UserRecords.read(Unpooled.wrappedBuffer(UserRecords.toBytes(r))));
    } catch (MeridianException e) {
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    }
  }

  private static String[] split(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int nul = text.indexOf('\0');
    return nul < 0 ? new String[] {text, ""}
        : new String[] {text.substring(0, nul), text.substring(nul + 1)};
  }
}
