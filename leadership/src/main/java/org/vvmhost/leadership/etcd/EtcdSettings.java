package org.vvmhost.leadership.etcd;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.time.Durations;

/**
 * Where and how to reach etcd, and which election to join.
 *
 * @param endpoints   client URLs, for example {@code http://10.0.0.1:2379}; all {@code http} or all {@code https}
 * @param election    the election's key prefix; candidates are {@code <election>/<leaseIdHex>}
 * @param lease       TTL and local renew deadline of each candidacy
 * @param tls         trust and client certificate, when the endpoints use {@code https}
 * @param credentials etcd user and password, when etcd has auth enabled
 * @param compactionRetention how much of etcd's history a leader keeps when it compacts: it compacts every
 *                    retention, to the revision of the round before
 */
public record EtcdSettings(List<URI> endpoints, String election, LeaseSettings lease, Optional<Tls> tls,
        Optional<Credentials> credentials, Duration compactionRetention) {

    /** The election {@code vvmhost} joins unless told otherwise: keys {@code vvmhost/<leaseIdHex>}. */
    public static final String DEFAULT_ELECTION = "vvmhost";

    /** As kube-apiserver compacts etcd: every 5 minutes. */
    public static final Duration DEFAULT_COMPACTION_RETENTION = Duration.ofMinutes(5);

    public EtcdSettings {
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(compactionRetention, "compactionRetention");
        if (compactionRetention.isNegative() || compactionRetention.isZero()) {
            throw new IllegalArgumentException("the compaction retention must be above 0; got "
                    + Durations.text(compactionRetention));
        }
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("etcd endpoints: give at least one, for example http://127.0.0.1:2379");
        }
        for (URI endpoint : endpoints) {
            checkEndpoint(endpoint);
        }
        long secure = endpoints.stream().filter(e -> "https".equals(e.getScheme())).count();
        if (secure != 0 && secure != endpoints.size()) {
            throw new IllegalArgumentException(
                    "etcd endpoints: mix of http and https in " + endpoints + "; use one scheme for all");
        }
        if (tls.isPresent() && secure == 0) {
            throw new IllegalArgumentException(
                    "etcd TLS options are set but the endpoints use http; write them as https://host:port");
        }
        checkElection(election);
    }

    /** Settings with the default compaction retention. */
    public EtcdSettings(List<URI> endpoints, String election, LeaseSettings lease, Optional<Tls> tls,
            Optional<Credentials> credentials) {
        this(endpoints, election, lease, tls, credentials, DEFAULT_COMPACTION_RETENTION);
    }

    /** Endpoints parsed from a comma-separated list, no TLS, no credentials. */
    public static EtcdSettings of(String commaSeparatedEndpoints, String election, LeaseSettings lease) {
        return new EtcdSettings(parseEndpoints(commaSeparatedEndpoints), election, lease, Optional.empty(),
                Optional.empty());
    }

    public EtcdSettings withTls(Tls newTls) {
        return new EtcdSettings(endpoints, election, lease, Optional.of(newTls), credentials, compactionRetention);
    }

    public EtcdSettings withCredentials(Credentials newCredentials) {
        return new EtcdSettings(endpoints, election, lease, tls, Optional.of(newCredentials), compactionRetention);
    }

    public EtcdSettings withCompactionRetention(Duration retention) {
        return new EtcdSettings(endpoints, election, lease, tls, credentials, retention);
    }

    /** Parses {@code http://a:2379,http://b:2379}; a bare {@code host:port} gets {@code http://}. */
    public static List<URI> parseEndpoints(String commaSeparated) {
        Objects.requireNonNull(commaSeparated, "endpoints");
        List<URI> uris = new java.util.ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            String text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (!text.contains("://")) {
                text = "http://" + text;
            }
            try {
                uris.add(new URI(text));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("etcd endpoint '" + part.strip()
                        + "' is not a URL; write it as http://host:2379 or https://host:2379", e);
            }
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException(
                    "etcd endpoints: '" + commaSeparated + "' names none; write http://host:2379[,http://host2:2379]");
        }
        return uris;
    }

    private static void checkEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("etcd endpoint '" + endpoint + "' must start with http:// or https://");
        }
        if (endpoint.getHost() == null || endpoint.getPort() <= 0) {
            throw new IllegalArgumentException(
                    "etcd endpoint '" + endpoint + "' needs a host and a port, for example http://127.0.0.1:2379");
        }
        String path = endpoint.getPath();
        if (path != null && !path.isEmpty() && !"/".equals(path)) {
            throw new IllegalArgumentException("etcd endpoint '" + endpoint + "' must not have a path");
        }
    }

    private static void checkElection(String election) {
        if (election.isBlank()) {
            throw new IllegalArgumentException("etcd election must not be blank; for example " + DEFAULT_ELECTION);
        }
        if (election.endsWith("/") || election.startsWith("/")) {
            throw new IllegalArgumentException(
                    "etcd election '" + election + "' must not start or end with '/'; for example " + DEFAULT_ELECTION);
        }
        for (int i = 0; i < election.length(); i++) {
            char c = election.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(
                        "etcd election '" + election + "' must not contain spaces or control characters");
            }
        }
    }

    /**
     * TLS material, PEM files. The CA file verifies the server; the client certificate and key, given together,
     * authenticate us to a server that requires client certificates.
     */
    public record Tls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile) {

        public Tls {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            if (certFile.isPresent() != keyFile.isPresent()) {
                throw new IllegalArgumentException(
                        "etcd TLS: give the client certificate and the client key together, or neither");
            }
        }

        /** Checks that every named file can be read, so that a typo fails with its option name, not in gRPC. */
        void checkReadable() {
            checkFile("CA file", caFile);
            checkFile("client certificate", certFile);
            checkFile("client key", keyFile);
        }

        private static void checkFile(String what, Optional<Path> file) {
            if (file.isPresent() && !Files.isReadable(file.get())) {
                throw new IllegalArgumentException(
                        "etcd TLS " + what + " '" + file.get() + "' does not exist or cannot be read");
            }
        }
    }

    /** An etcd user. The password never appears in {@link #toString()}. */
    public record Credentials(String user, String password) {

        public Credentials {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isBlank()) {
                throw new IllegalArgumentException("etcd user must not be blank when a password is given");
            }
        }

        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }
}
