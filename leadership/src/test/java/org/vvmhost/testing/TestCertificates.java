package org.vvmhost.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI for TLS tests, made with the {@code openssl} command: a CA, a server certificate it signed for
 * {@code 127.0.0.1} and {@code localhost}, one it signed for another host only, and an unrelated CA. PEM files, keys in
 * PKCS#8, in a temporary directory.
 */
public final class TestCertificates {

    /** The subject of both server certificates. */
    public static final String SERVER_SUBJECT = "CN=vvm-test-etcd";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the certificates; fails with what to install if {@code openssl} is missing. */
    public static TestCertificates generate() {
        try {
            Path dir = Files.createTempDirectory("vvm-tls-");
            TestCertificates certs = new TestCertificates(dir);
            certs.ca("ca");
            certs.ca("other-ca");
            certs.server("server", "ca", "IP:127.0.0.1,DNS:localhost");
            certs.server("elsewhere", "ca", "DNS:etcd.example");
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make test certificates; the TLS tests need the openssl command "
                    + "(Debian: apt-get install openssl)", e);
        }
    }

    /** The CA that signed both server certificates. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** A CA that signed nothing here. */
    public Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    /** Issued for 127.0.0.1 and localhost. */
    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** Issued for etcd.example only: a host name mismatch at 127.0.0.1. */
    public Path elsewhereCert() {
        return dir.resolve("elsewhere.pem");
    }

    public Path elsewhereKey() {
        return dir.resolve("elsewhere.key");
    }

    private void ca(String name) throws IOException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=vvm-test-" + name,
                "-keyout", name + ".key", "-out", name + ".pem");
    }

    private void server(String name, String ca, String subjectAltNames) throws IOException {
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAltNames + "\n",
                StandardCharsets.US_ASCII);
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/" + SERVER_SUBJECT, "-keyout", name + ".key",
                "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TestTiming.current().eventBudget().toMillis(), TimeUnit.MILLISECONDS)
                    || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running openssl", e);
        }
    }
}
