package org.vvmhost.host;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated options of the HTTP API.
 *
 * @param host         the address to listen on; empty listens on all interfaces
 * @param port         0 picks a free port
 * @param loopbackOnly the host is a loopback address, so no other machine can reach the API
 * @param advertiseUrl what the replica advertises in the election; empty builds it from the host name and the port
 * @param token        the bearer token that mutating endpoints require
 * @param tls          the server's certificate and key, for HTTPS
 */
record HttpSettings(Optional<String> host, int port, boolean loopbackOnly, Optional<URI> advertiseUrl,
                    Optional<ApiToken> token, Optional<Tls> tls) {

    /**
     * The largest request body a mutating endpoint reads; a larger one is refused with 413. A batch of the most
     * commands one request may carry fits, spawns with components included.
     */
    static final int MAX_BODY_BYTES = 256 * 1024;

    HttpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(advertiseUrl, "advertiseUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tls, "tls");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the HTTP port must be within 0..65535, got " + port);
        }
    }

    /** Plain HTTP on loopback, a free port, no token: for tests. */
    static HttpSettings loopback() {
        return new HttpSettings(Optional.of("127.0.0.1"), 0, true, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /** The server's certificate chain and private key, loaded from PEM files at start-up. */
    record Tls(Path certFile, Path keyFile, KeyStore keyStore) {
        Tls {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(keyStore, "keyStore");
        }
    }

    /** A bearer token, kept as its SHA-256 digest and compared in constant time. */
    static final class ApiToken {
        private final byte[] digest;

        ApiToken(String token) {
            if (token.isBlank()) {
                throw new IllegalArgumentException("the API token must not be blank");
            }
            this.digest = sha256(token);
        }

        /** Digests of equal length compare in constant time, so neither the token nor its length leaks. */
        boolean matches(String presented) {
            return presented != null && MessageDigest.isEqual(digest, sha256(presented));
        }

        private static byte[] sha256(String text) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        @Override
        public String toString() {
            return "ApiToken[hidden]";
        }
    }
}
