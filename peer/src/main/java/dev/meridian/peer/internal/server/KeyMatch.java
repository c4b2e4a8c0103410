package dev.meridian.peer.internal.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Whether a PEM private key belongs to the first certificate of a PEM chain. A TLS context
 * built from a mismatched pair loads fine and fails every handshake, which is what a
 * certificate rotation caught between writing the key and writing the certificate would give;
 * {@link ReloadingTls} checks this first and keeps its current context until the pair matches.
 * Stateless.
 */
final class KeyMatch {
  private static final byte[] PROBE = "meridian key match".getBytes(StandardCharsets.US_ASCII);

  private KeyMatch() {}

  /**
   * Checks the pair.
   *
   * @throws IOException when they do not match or cannot be read
   */
  static void check(Path certificate, Path key) throws IOException {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certificate)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IOException("cannot read the certificate " + certificate + ": " + e.getMessage(), e);
    }
    PrivateKey privateKey = privateKey(key, cert.getPublicKey().getAlgorithm());
    String algorithm = privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(privateKey);
      sign.update(PROBE);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(PROBE);
      if (!verify.verify(signature)) {
        throw new IOException("the key " + key + " does not belong to the certificate "
            + certificate);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("the key " + key + " does not belong to the certificate "
          + certificate + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file, String algorithm) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IOException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    String body = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end)
        .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("cannot read the " + algorithm + " key " + file + ": "
          + e.getMessage(), e);
    }
  }
}
