package dev.meridian.protocol.auth;

import dev.meridian.protocol.error.MeridianException;
import dev.meridian.protocol.error.SqlState;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), without channel binding ({@code gs2} header
 * {@code "n,,"}), as PostgreSQL speaks it: the password never crosses the wire, and the peer
 * keeps only a {@link ScramVerifier}. Built on the JDK's {@code PBKDF2WithHmacSHA256},
 * {@code HmacSHA256} and {@code SHA-256}, so the driver stays one pure-Java jar without a
 * crypto dependency.
 *
 * <p>Messages (attribute=value, comma separated):
 * <pre>
 * client-first : n,,n=user,r=clientNonce
 * server-first : r=clientNonce+serverNonce,s=base64(salt),i=iterations
 * client-final : c=biws,r=nonce,p=base64(ClientKey XOR HMAC(StoredKey, AuthMessage))
 * server-final : v=base64(HMAC(ServerKey, AuthMessage))
 * AuthMessage  = client-first-bare + "," + server-first + "," + client-final-without-proof
 * </pre>
 * Example (RFC 7677, user "user", password "pencil"): client-first
 * {@code n,,n=user,r=rOprNGfwEbeRWgbNEkqO}.
 *
 * <p>Passwords are normalized with Unicode NFKC, the part of SASLprep (RFC 4013) that changes
 * ordinary passwords; the prohibited-character checks are not made. Every comparison of secret
 * bytes is {@link MessageDigest#isEqual} (constant time). Malformed messages fail with
 * {@code 08P01}; a wrong proof with {@code 28P01}. Stateless and thread-safe; {@link Client}
 * and {@link Server} hold one exchange each.
 */
public final class Scram {
  /** The mechanism name. */
  public static final String MECHANISM = "SCRAM-SHA-256";
  /** PBKDF2 rounds of new verifiers (PostgreSQL's default). */
  public static final int DEFAULT_ITERATIONS = 4096;
  /** The fewest rounds accepted (RFC 7677's minimum). */
  public static final int MIN_ITERATIONS = 4096;
  /** The most rounds accepted: bounds what a hostile server can make a client compute. */
  public static final int MAX_ITERATIONS = 1_000_000;
  /** The longest message accepted, in characters. */
  public static final int MAX_MESSAGE = 1024;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String GS2_HEADER = "n,,";
  private static final String CHANNEL_BINDING = "c=biws";

  private Scram() {}

  /** A verifier of {@code password} with a fresh 16-byte salt and the default rounds. */
  public static ScramVerifier verifier(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return verifier(password, salt, DEFAULT_ITERATIONS);
  }

  /** The verifier of {@code password} under the given salt and rounds. */
  public static ScramVerifier verifier(String password, byte[] salt, int iterations) {
    byte[] salted = saltedPassword(password, salt, iterations);
    return new ScramVerifier(salt, iterations, sha256(hmac(salted, "Client Key")),
        hmac(salted, "Server Key"));
  }

  /** PBKDF2-HMAC-SHA-256 of the normalized password: the costly step. */
  public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(normalize(password).toCharArray(), salt, iterations, 256);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
            .getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks PBKDF2WithHmacSHA256", e);
    }
  }

  /** A fresh nonce: 18 random bytes in base64 (printable, no comma). */
  public static String nonce() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /**
   * The client's half of one exchange. Not thread-safe; used by one handshake.
   */
  public static final class Client {
    private final String user;
    private final String password;
    private final String nonce;
    private final SaltedPasswords cache;
    private String authMessage;
    private byte[] serverKey;

    /**
     * @param cache remembers salted passwords by salt and rounds, so a driver that opens many
     *     connections for one user pays PBKDF2 once (null: no cache)
     */
    public Client(String user, String password, String nonce, SaltedPasswords cache) {
      this.user = user;
      this.password = password;
      this.nonce = nonce;
      this.cache = cache;
    }

    /** The client-first message. */
    public String first() {
      return GS2_HEADER + bare();
    }

    private String bare() {
      return "n=" + escape(user) + ",r=" + nonce;
    }

    /**
     * The client-final message answering {@code serverFirst}.
     *
     * @throws MeridianException {@code 08P01} when the server's message is malformed, its
     *     nonce does not extend ours, or it asks for rounds out of range
     */
    public String finalMessage(String serverFirst) {
      Map<String, String> a = attributes(serverFirst);
      String combined = require(a, "r");
      if (!combined.startsWith(nonce) || combined.length() == nonce.length()) {
        throw protocol("the server's nonce does not extend the client's");
      }
      byte[] salt = base64(require(a, "s"));
      int iterations;
      try {
        iterations = Integer.parseInt(require(a, "i"));
      } catch (NumberFormatException e) {
        throw protocol("iteration count is not a number");
      }
      if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS || salt.length < 8
          || salt.length > 64) {
        throw protocol("the server asks for " + iterations + " rounds over a " + salt.length
            + "-byte salt");
      }
      byte[] salted = cache == null ? saltedPassword(password, salt, iterations)
          : cache.get(password, salt, iterations);
      byte[] clientKey = hmac(salted, "Client Key");
      serverKey = hmac(salted, "Server Key");
      String withoutProof = CHANNEL_BINDING + ",r=" + combined;
      authMessage = bare() + "," + serverFirst + "," + withoutProof;
      byte[] signature = hmac(sha256(clientKey), authMessage);
      byte[] proof = xor(clientKey, signature);
      return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /**
     * Checks the server-final message: the server proves it holds this user's verifier.
     *
     * @throws MeridianException {@code 28000} when the server's signature is wrong, {@code 08P01}
     *     when the message is malformed
     */
    public void verifyServer(String serverFinal) {
      if (authMessage == null) {
        throw protocol("server-final before server-first");
      }
      Map<String, String> a = attributes(serverFinal);
      if (a.containsKey("e")) {
        throw new MeridianException(SqlState.INVALID_PASSWORD, "authentication failed: " + a.get("e"));
      }
      byte[] expected = hmac(serverKey, authMessage);
      if (!MessageDigest.isEqual(expected, base64(require(a, "v")))) {
        throw new MeridianException(SqlState.INVALID_AUTHORIZATION,
            "the peer could not prove it knows this user's password (a server impersonating it?)");
      }
    }
  }

  /**
   * The server's half of one exchange. Not thread-safe; used by one handshake.
   */
  public static final class Server {
    private final String nonce;
    private String user;
    private ScramVerifier verifier;
    private String clientFirstBare;
    private String serverFirstNonce;
    private String serverFirst;

    /** @param nonce the server's part of the nonce ({@link Scram#nonce()}) */
    public Server(String nonce) {
      this.nonce = nonce;
    }

    /**
     * Reads the client-first message and returns the user name it names.
     *
     * @throws MeridianException {@code 08P01} when malformed or asking for channel binding
     */
    public String readFirst(String clientFirst) {
      if (clientFirst == null || !clientFirst.startsWith(GS2_HEADER)) {
        throw protocol("client-first must start with 'n,,' (no channel binding)");
      }
      clientFirstBare = clientFirst.substring(GS2_HEADER.length());
      Map<String, String> a = attributes(clientFirstBare);
      user = unescape(require(a, "n"));
      String clientNonce = require(a, "r");
      if (clientNonce.isEmpty()) {
        throw protocol("empty client nonce");
      }
      serverFirstNonce = clientNonce + nonce;
      return user;
    }

    /**
     * The server-first message for the user's verifier. For an unknown user pass a made-up
     * verifier ({@link Scram#decoy}) so the answer looks the same and the proof simply fails.
     */
    public String first(ScramVerifier verifier) {
      if (serverFirstNonce == null) {
        throw new IllegalStateException("readFirst first");
      }
      this.verifier = verifier;
      serverFirst = "r=" + serverFirstNonce + ",s="
          + Base64.getEncoder().encodeToString(verifier.salt()) + ",i=" + verifier.iterations();
      return serverFirst;
    }

    /**
     * Checks the client-final message and returns the server-final message.
     *
     * @throws MeridianException {@code 28P01} when the proof is wrong, {@code 08P01} when the
     *     message is malformed or its nonce is not this exchange's
     */
    public String finish(String clientFinal) {
      if (serverFirst == null) {
        throw new IllegalStateException("first first");
      }
      Map<String, String> a = attributes(clientFinal);
      if (!CHANNEL_BINDING.substring(2).equals(require(a, "c"))) {
        throw protocol("unexpected channel binding");
      }
      if (!serverFirstNonce.equals(require(a, "r"))) {
        throw protocol("the nonce is not this exchange's");
      }
      byte[] proof = base64(require(a, "p"));
      int cut = clientFinal.lastIndexOf(",p=");
      String authMessage = clientFirstBare + "," + serverFirst + ","
          + clientFinal.substring(0, cut);
      byte[] storedKey = verifier.storedKey();
      byte[] signature = hmac(storedKey, authMessage);
      boolean ok = proof.length == signature.length
          && MessageDigest.isEqual(sha256(xor(proof, signature)), storedKey);
      if (!ok) {
        throw new MeridianException(SqlState.INVALID_PASSWORD,
            "password authentication failed for user \"" + user + "\"");
      }
      return "v=" + Base64.getEncoder().encodeToString(hmac(verifier.serverKey(), authMessage));
    }

    /** The user the client-first message named (null before it). */
    public String user() {
      return user;
    }
  }

  /**
   * A made-up verifier for an unknown user: its salt is a keyed hash of the name (so asking
   * twice gives the same salt, and nobody learns whether the user exists), its keys random.
   */
  public static ScramVerifier decoy(String user, byte[] secret) {
    byte[] salt = java.util.Arrays.copyOf(hmac(secret, "salt:" + user), 16);
    byte[] k1 = new byte[32];
    byte[] k2 = new byte[32];
    RANDOM.nextBytes(k1);
    RANDOM.nextBytes(k2);
    return new ScramVerifier(salt, DEFAULT_ITERATIONS, k1, k2);
  }

  /**
   * Salted passwords remembered by password, salt and rounds (at most a few entries). Thread-safe.
   */
  public static final class SaltedPasswords {
    private final Map<String, byte[]> entries = new LinkedHashMap<>(4, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
        return size() > 8;
      }
    };

    /** The salted password, computed once per salt and rounds. */
    public byte[] get(String password, byte[] salt, int iterations) {
      // The key holds a hash of the password, never the password itself.
      String key = Base64.getEncoder().encodeToString(sha256(
          (Base64.getEncoder().encodeToString(salt) + "/" + iterations + "/" + password)
              .getBytes(StandardCharsets.UTF_8)));
      synchronized (entries) {
        byte[] hit = entries.get(key);
        if (hit != null) {
          return hit.clone();
        }
      }
      byte[] salted = saltedPassword(password, salt, iterations);
      synchronized (entries) {
        entries.put(key, salted.clone());
      }
      return salted;
    }
  }

  // ---- parts ----

  static Map<String, String> attributes(String message) {
    if (message == null) {
      throw protocol("missing message");
    }
    if (message.length() > MAX_MESSAGE) {
      throw protocol("message longer than " + MAX_MESSAGE + " characters");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : message.split(",", -1)) {
      if (part.length() < 2 || part.charAt(1) != '=') {
        throw protocol("malformed attribute '" + shorten(part) + "'");
      }
      String name = part.substring(0, 1);
      if (out.putIfAbsent(name, part.substring(2)) != null) {
        throw protocol("attribute " + name + " given twice");
      }
    }
    return out;
  }

  private static String require(Map<String, String> attributes, String name) {
    String v = attributes.get(name);
    if (v == null) {
      throw protocol("missing attribute " + name);
    }
    return v;
  }

  private static byte[] base64(String s) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw protocol("bad base64");
    }
  }

  /** RFC 5802's saslname: ',' and '=' escaped. */
  static String escape(String user) {
    return user.replace("=", "=3D").replace(",", "=2C");
  }

  static String unescape(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '=') {
        b.append(c);
      } else if (name.startsWith("=3D", i)) {
        b.append('=');
        i += 2;
      } else if (name.startsWith("=2C", i)) {
        b.append(',');
        i += 2;
      } else {
        throw protocol("bad escape in user name");
      }
    }
    return b.toString();
  }

  private static String normalize(String password) {
    return Normalizer.normalize(password == null ? "" : password, Normalizer.Form.NFKC);
  }

  static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks HmacSHA256", e);
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i % b.length]);
    }
    return out;
  }

  private static String shorten(String s) {
    return s.length() > 20 ? s.substring(0, 20) + "…" : s;
  }

  private static MeridianException protocol(String why) {
    return new MeridianException(SqlState.PROTOCOL_VIOLATION, "SCRAM: " + why);
  }
}
