package dev.meridian.cli.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A certificate authority for one Meridian cluster: it signs the certificates of peers (which
 * name their host names and addresses, and their region, by which links prove which region
 * they speak for) and of clients. Keys are ECDSA P-256, written as unencrypted PKCS#8 PEM files
 * readable by the owner only; certificates as PEM. Immutable and thread-safe.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair key;
  private final X509Certificate certificate;

  private CertificateAuthority(KeyPair key, X509Certificate certificate) {
    this.key = key;
    this.certificate = certificate;
  }

  /** A certificate with its key. */
  public record Issued(PrivateKey key, X509Certificate certificate) {
    /** Writes the key ({@code name.key}, owner-only) and certificate ({@code name.crt}). */
    public void write(Path dir, String name) {
      // PKCS#8, which is what the JCA encodes a private key as.
      writePem(dir.resolve(name + ".key"), new PemObject("PRIVATE KEY", key.getEncoded()), true);
      writePem(dir.resolve(name + ".crt"), certificate, false);
    }
  }

  /** A new self-signed CA named {@code name}, valid for {@code validity} from now. */
  public static CertificateAuthority create(String name, Duration validity) {
    KeyPair key = newKey();
    Instant now = Instant.now();
    X500Name subject = name(name);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, key.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(key.getPublic()));
      return new CertificateAuthority(key, sign(b, key.getPrivate()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create the CA: " + e, e);
    }
  }

  /** The CA written by {@link #write} to {@code dir} ({@code ca.key}, {@code ca.crt}). */
  public static CertificateAuthority load(Path dir) {
    try (Reader keyIn = Files.newBufferedReader(dir.resolve("ca.key"));
        Reader certIn = Files.newBufferedReader(dir.resolve("ca.crt"));
        PEMParser keys = new PEMParser(keyIn);
        PEMParser certs = new PEMParser(certIn)) {
      Object k = keys.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey privateKey = k instanceof PEMKeyPair pair
          ? converter.getKeyPair(pair).getPrivate()
          : converter.getPrivateKey((PrivateKeyInfo) k);
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate((X509CertificateHolder) certs.readObject());
      return new CertificateAuthority(new KeyPair(cert.getPublicKey(), privateKey), cert);
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      throw new IllegalStateException("cannot read the CA in " + dir + " (ca.key, ca.crt): " + e,
          e);
    }
  }

  /** Writes {@code ca.key} (owner-only) and {@code ca.crt} to {@code dir}. */
  public void write(Path dir) {
    new Issued(key.getPrivate(), certificate).write(dir, "ca");
  }

  /** The CA's certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * A peer's certificate, for its driver port, its link port and its links to other regions:
   * its subject alternative names are {@code hosts} (DNS names or IP addresses) and the
   * {@code region} name, which the other regions' peers require of a link speaking for it.
   */
  public Issued issuePeer(String region, List<String> hosts, Instant notBefore, Instant notAfter) {
    List<String> names = new ArrayList<>(hosts);
    names.add(region);
    return issue(region + " peer", names, notBefore, notAfter, true);
  }

  /** A client certificate (driver side) named {@code user}. */
  public Issued issueClient(String user, Instant notBefore, Instant notAfter) {
    return issue(user, List.of(), notBefore, notAfter, false);
  }

  private Issued issue(String commonName, List<String> names, Instant notBefore,
      Instant notAfter, boolean server) {
    KeyPair pair = newKey();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(notBefore), Date.from(notAfter), name(commonName), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, server
              ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                  KeyPurposeId.id_kp_clientAuth})
              : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(pair.getPublic()));
      if (!names.isEmpty()) {
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
          sans.add(isAddress(n) ? new GeneralName(GeneralName.iPAddress, n)
              : new GeneralName(GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      return new Issued(pair.getPrivate(), sign(b, key.getPrivate()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e,
          e);
    }
  }

  private static boolean isAddress(String name) {
    return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(s));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC key generator: " + e, e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).setBit(63);
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Meridian")
        .addRDN(BCStyle.CN, commonName).build();
  }

  private static void writePem(Path file, Object object, boolean secret) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      if (object instanceof PemObject p) {
        pem.writeObject(p);
      } else {
        pem.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      // Write beside, then move: a peer reloading certificates never reads half a file.
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text.toString(), StandardCharsets.US_ASCII);
      if (secret && Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
