package org.vvmhost.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a test's etcd runs: extra command-line flags (a space quota, the Raft timing) and, for https, its certificate.
 *
 * @param flags flags appended to etcd's command line
 * @param tls   the server certificate and key, PEM; clients then speak https
 */
public record EtcdConfig(List<String> flags, Optional<Tls> tls) {

    /** A single test server elects itself after one election timeout: keep restarts quick. */
    static final List<String> QUICK_RAFT = List.of("--heartbeat-interval", "50", "--election-timeout", "300");

    public EtcdConfig {
        flags = List.copyOf(flags);
    }

    public static EtcdConfig defaults() {
        return new EtcdConfig(QUICK_RAFT, Optional.empty());
    }

    /** With etcd's space quota set to {@code bytes} ({@code --quota-backend-bytes}). */
    public EtcdConfig withQuota(long bytes) {
        return withFlags("--quota-backend-bytes", Long.toString(bytes));
    }

    public EtcdConfig withFlags(String... more) {
        List<String> all = new java.util.ArrayList<>(flags);
        all.addAll(List.of(more));
        return new EtcdConfig(all, tls);
    }

    /** Serving https with this certificate and key. */
    public EtcdConfig withTls(Path certFile, Path keyFile) {
        return new EtcdConfig(flags, Optional.of(new Tls(certFile, keyFile)));
    }

    /** A server certificate and its key, PEM files. */
    public record Tls(Path certFile, Path keyFile) {
    }
}
