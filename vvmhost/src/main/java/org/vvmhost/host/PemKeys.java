package org.vvmhost.host;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Reads a PEM certificate chain and a PKCS#8 PEM private key into an in-memory key store, with the JDK alone. */
final class PemKeys {

    static final String ALIAS = "vvmhost";
    static final char[] NO_PASSWORD = new char[0];

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemKeys() {
    }

    /**
     * @throws IllegalArgumentException saying which file is wrong and how
     */
    static KeyStore keyStore(Path certFile, Path keyFile) {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the key in '" + keyFile + "' does not go with the certificate in '"
                    + certFile + "': " + e.getMessage(), e);
        }
    }

    /**
     * A TLS context that trusts exactly the certificates in {@code file}: a replica's own certificate, or the chain
     * with the CA that signed every replica's.
     *
     * @throws IllegalArgumentException saying what is wrong with the file
     */
    static SSLContext trusting(Path file) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int i = 0;
            for (Certificate cert : certificates(file)) {
                trusted.setCertificateEntry("replica-" + i++, cert);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the certificates in '" + file + "': " + e.getMessage(), e);
        }
    }

    static List<Certificate> certificates(Path file) {
        try {
            List<Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("'" + file + "' holds no PEM certificate");
            }
            return chain;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read '" + file + "': " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("'" + file + "' is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read '" + file + "': " + e.getMessage(), e);
        }
        Matcher matcher = PRIVATE_KEY.matcher(pem);
        if (!matcher.find()) {
            throw new IllegalArgumentException("'" + file + "' holds no PKCS#8 private key (-----BEGIN PRIVATE KEY"
                    + "-----); convert one with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pk8.pem>");
        }
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this algorithm; try the next.
            }
        }
        throw new IllegalArgumentException("'" + file + "' holds a private key of no supported algorithm (RSA, EC, "
                + "Ed25519)");
    }
}
