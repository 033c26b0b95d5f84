package org.vvmhost.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with the JDK's own {@code keytool} and written as the
 * PEM files an operator would give: the certificate, and the PKCS#8 key.
 */
record TestCertificates(Path certFile, Path keyFile, Certificate certificate) {

    static TestCertificates create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve("test.p12");
        char[] password = "test-password".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(password))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        Certificate certificate = keys.getCertificate("test");
        Path cert = Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", certificate.getEncoded()));
        Path key = Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY",
                keys.getKey("test", password).getEncoded()));
        return new TestCertificates(cert, key, certificate);
    }

    /** A client context that trusts this certificate only. */
    SSLContext clientContext() throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
