package io.fieldcap.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** TLS socket factories from PEM files: a CA to trust, and optionally a client certificate and key (PKCS#8). */
public final class Tls {
  private Tls() {}

  /**
   * @param ca CA certificate(s) to trust; null trusts the JVM's default CAs
   * @param cert client certificate chain, or null
   * @param key the client's private key (PEM, PKCS#8: "BEGIN PRIVATE KEY"), with {@code cert}
   */
  public static SSLSocketFactory socketFactory(Path ca, Path cert, Path key) throws GeneralSecurityException, IOException {
    return context(ca, cert, key).getSocketFactory();
  }

  /** The TLS context of {@link #socketFactory}: also what the web app serves HTTPS with (its certificate and key). */
  public static SSLContext context(Path ca, Path cert, Path key) throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (ca != null) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certificates(ca)) {
        trust.setCertificateEntry("ca" + i++, c);
      }
      tmf.init(trust);
    } else {
      tmf.init((KeyStore) null);
    }
    KeyManagerFactory kmf = null;
    if (cert != null) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setKeyEntry("client", privateKey(key), new char[0], certificates(cert).toArray(Certificate[]::new));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static Collection<? extends Certificate> certificates(Path pem) throws GeneralSecurityException, IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new GeneralSecurityException(pem + " holds no PEM certificate");
      }
      return certs;
    }
  }

  private static PrivateKey privateKey(Path pem) throws GeneralSecurityException, IOException {
    String text = Files.readString(pem);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new GeneralSecurityException(pem + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with: "
          + "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
    }
    String b64 = text.substring(text.indexOf("-----BEGIN PRIVATE KEY-----") + 27, text.indexOf("-----END PRIVATE KEY-----"))
        .replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64));
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException(pem + ": unsupported private key algorithm (expected RSA, EC or Ed25519)");
  }
}
