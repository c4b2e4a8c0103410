package dev.meridian.peer.internal.server;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Who the other end of a TLS connection proved to be. Stateless. */
final class TlsIdentity {
  /** Subject alternative name type of a DNS name (RFC 5280). */
  private static final int SAN_DNS = 2;

  private TlsIdentity() {}

  /**
   * The DNS names in the subject alternative names of the client certificate of a connection,
   * or null when the connection has no TLS (a peer configured {@code insecure}); an empty list
   * when it has TLS but no verified certificate.
   */
  static List<String> peerNames(Channel channel) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        if (sans != null) {
          for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(SAN_DNS).equals(san.get(0))) {
              names.add(String.valueOf(san.get(1)));
            }
          }
        }
      }
    } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
      return names;
    }
    return names;
  }
}
