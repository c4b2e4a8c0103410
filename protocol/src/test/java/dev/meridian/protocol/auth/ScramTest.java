package dev.meridian.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ScramTest {
  // RFC 7677, section 3.
  static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
  static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
  static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  @Test
  void theClientSpeaksRfc7677sExample() {
    Scram.Client client = new Scram.Client("user", "pencil", CLIENT_NONCE, null);
    assertEquals(CLIENT_FIRST, client.first());
    assertEquals(CLIENT_FINAL, client.finalMessage(SERVER_FIRST));
    client.verifyServer(SERVER_FINAL);
  }

  @Test
  void theServerSpeaksRfc7677sExample() {
    Scram.Server server = new Scram.Server(SERVER_NONCE);
    assertEquals("user", server.readFirst(CLIENT_FIRST));
    assertEquals(SERVER_FIRST, server.first(Scram.verifier("pencil", SALT, 4096)));
    assertEquals(SERVER_FINAL, server.finish(CLIENT_FINAL));
  }

  @Test
  void aWrongPasswordFailsWith28P01() {
    Scram.Server server = new Scram.Server(SERVER_NONCE);
    server.readFirst(CLIENT_FIRST);
    server.first(Scram.verifier("not pencil", SALT, 4096));
    MeridianException e = assertThrows(MeridianException.class, () -> server.finish(CLIENT_FINAL));
    assertEquals(SqlState.INVALID_PASSWORD, e.state());
    assertEquals("password authentication failed for user \"user\"", e.getMessage());
  }

  @Test
  void aServerThatDoesNotKnowThePasswordCannotPassItselfOff() {
    Scram.Client client = new Scram.Client("user", "pencil", CLIENT_NONCE, null);
    client.finalMessage(SERVER_FIRST);
    MeridianException e = assertThrows(MeridianException.class,
        () -> client.verifyServer("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assertEquals(SqlState.INVALID_AUTHORIZATION, e.state());
  }

  @Test
  void aReplayedOrForeignNonceIsAProtocolViolation() {
    Scram.Server server = new Scram.Server("otherServerNonce");
    server.readFirst(CLIENT_FIRST);
    server.first(Scram.verifier("pencil", SALT, 4096));
    MeridianException e = assertThrows(MeridianException.class, () -> server.finish(CLIENT_FINAL));
    assertEquals(SqlState.PROTOCOL_VIOLATION, e.state());
    Scram.Client client = new Scram.Client("user", "pencil", "abc", null);
    assertEquals(SqlState.PROTOCOL_VIOLATION, assertThrows(MeridianException.class,
        () -> client.finalMessage(SERVER_FIRST)).state());
  }

  @Test
  void theClientRefusesRoundsAHostileServerCouldMakeItBurnOrThatAreTooWeak() {
    for (String rounds : new String[] {"1", "4095", "1000001", "-5", "x"}) {
      Scram.Client client = new Scram.Client("user", "pencil", CLIENT_NONCE, null);
      MeridianException e = assertThrows(MeridianException.class, () -> client.finalMessage(
          "r=" + CLIENT_NONCE + "s,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=" + rounds));
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state(), rounds);
    }
  }

  @Test
  void aFullExchangeWithFreshNoncesAndACache() {
    ScramVerifier stored = Scram.verifier("s3cret, with = signs");
    Scram.SaltedPasswords cache = new Scram.SaltedPasswords();
    for (int i = 0; i < 2; i++) {
      Scram.Client client = new Scram.Client("a,b=c", "s3cret, with = signs", Scram.nonce(), cache);
      Scram.Server server = new Scram.Server(Scram.nonce());
      assertEquals("a,b=c", server.readFirst(client.first()));
      String serverFinal = server.finish(client.finalMessage(server.first(stored)));
      client.verifyServer(serverFinal);
    }
  }

  @Test
  void passwordsAreNormalizedWithNfkc() {
    ScramVerifier a = Scram.verifier("\u2168", SALT, 4096); // ROMAN NUMERAL NINE
    ScramVerifier b = Scram.verifier("IX", SALT, 4096);
    assertEquals(a, b);
  }

  @Test
  void aDecoyHasAStableSaltPerUserAndNeverMatches() {
    byte[] secret = new byte[32];
    assertArrayEquals(Scram.decoy("ghost", secret).salt(), Scram.decoy("ghost", secret).salt());
    assertNotEquals(Base64.getEncoder().encodeToString(Scram.decoy("ghost", secret).salt()),
        Base64.getEncoder().encodeToString(Scram.decoy("other", secret).salt()));
    Scram.Client client = new Scram.Client("ghost", "anything", Scram.nonce(), null);
    Scram.Server server = new Scram.Server(Scram.nonce());
    server.readFirst(client.first());
    String clientFinal = client.finalMessage(server.first(Scram.decoy("ghost", secret)));
    assertEquals(SqlState.INVALID_PASSWORD,
        assertThrows(MeridianException.class, () -> server.finish(clientFinal)).state());
  }

  @Test
  void userNamesEscapeCommaAndEquals() {
    assertEquals("a=2Cb=3Dc", Scram.escape("a,b=c"));
    assertEquals("a,b=c", Scram.unescape("a=2Cb=3Dc"));
    assertEquals(SqlState.PROTOCOL_VIOLATION,
        assertThrows(MeridianException.class, () -> Scram.unescape("a=zz")).state());
  }

  @Test
  void malformedMessagesAreProtocolViolations() {
    for (String bad : new String[] {"", "n,,", "y,,n=a,r=b", "n,,n=a", "n,,n=a,r=b,r=c",
        "n,,x", "n,,n=a,r=", "p=n,,n=a,r=b"}) {
      Scram.Server server = new Scram.Server("s");
      MeridianException e = assertThrows(MeridianException.class, () -> server.readFirst(bad),
          bad);
      assertEquals(SqlState.PROTOCOL_VIOLATION, e.state(), bad);
    }
    assertTrue(Scram.attributes("a=1,b=").containsKey("b"));
  }
}
