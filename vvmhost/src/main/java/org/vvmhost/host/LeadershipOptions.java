package org.vvmhost.host;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where leadership is decided: options shared by every command that talks to the election. */
final class LeadershipOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--etcd-endpoints", paramLabel = "<url>", split = ",",
            description = "etcd endpoints, comma-separated, for example http://etcd-0:2379,http://etcd-1:2379 "
                    + "(https:// with the TLS options). Unset: the embedded in-memory leadership, for a single "
                    + "process. Env: VVM_ETCD_ENDPOINTS.")
    private List<String> etcdEndpoints = new ArrayList<>();

    @Option(names = "--election", paramLabel = "<name>", defaultValue = EtcdSettings.DEFAULT_ELECTION,
            description = "The election's name; replicas that share it compete for one leadership. On etcd its "
                    + "candidates are the keys <name>/<lease id>. Default: ${DEFAULT-VALUE}. Env: VVM_ELECTION.")
    private String election;

    @Option(names = "--etcd-ca-file", paramLabel = "<pem>",
            description = "PEM file of the CA that signed etcd's server certificate. Default: the JVM's trust "
                    + "store. Env: VVM_ETCD_CA_FILE.")
    private Path caFile;

    @Option(names = "--etcd-cert-file", paramLabel = "<pem>",
            description = "PEM client certificate, for an etcd that requires one; give --etcd-key-file with it. "
                    + "Env: VVM_ETCD_CERT_FILE.")
    private Path certFile;

    @Option(names = "--etcd-key-file", paramLabel = "<pem>",
            description = "PEM (PKCS#8) private key of the client certificate. Env: VVM_ETCD_KEY_FILE.")
    private Path keyFile;

    @Option(names = "--etcd-user", paramLabel = "<user>",
            description = "etcd user, for an etcd with authentication enabled. Env: VVM_ETCD_USER.")
    private String user;

    @Option(names = "--etcd-password", paramLabel = "<password>",
            description = "The etcd user's password. Others can read a command line: prefer the variable or "
                    + "--etcd-password-file. Env: VVM_ETCD_PASSWORD.")
    private String password;

    @Option(names = "--etcd-password-file", paramLabel = "<file>",
            description = "A file holding the etcd user's password (a trailing newline is ignored), for example "
                    + "a mounted secret. Env: VVM_ETCD_PASSWORD_FILE.")
    private Path passwordFile;

    /** The endpoints given, without blanks; empty means the embedded default. */
    List<String> etcdEndpoints() {
        return etcdEndpoints.stream().map(String::trim).filter(endpoint -> !endpoint.isEmpty()).toList();
    }

    /** The election's name, trimmed and checked. */
    String election() {
        String name = election.trim();
        if (name.isEmpty()) {
            throw usageError("--election", "the election name must not be blank");
        }
        return name;
    }

    /**
     * The etcd settings for {@code lease}; empty when no endpoints are given. Each check names the option to fix,
     * as a usage error.
     */
    Optional<EtcdSettings> etcdSettings(LeaseSettings lease) {
        List<String> endpoints = etcdEndpoints();
        if (endpoints.isEmpty()) {
            rejectWithoutEndpoints();
            return Optional.empty();
        }
        List<URI> uris = validated("--etcd-endpoints", () -> EtcdSettings.parseEndpoints(String.join(",", endpoints)));
        // Checked with the default election first, so that an error here is the endpoints', not the election's.
        validated("--etcd-endpoints", () -> new EtcdSettings(uris, EtcdSettings.DEFAULT_ELECTION, lease,
                Optional.empty(), Optional.empty()));
        String name = election();
        EtcdSettings settings = validated("--election", () -> new EtcdSettings(uris, name, lease, Optional.empty(),
                Optional.empty()));
        Optional<EtcdSettings.Tls> tls = tls();
        if (tls.isPresent()) {
            EtcdSettings plain = settings;
            settings = validated("--etcd-endpoints", () -> plain.withTls(tls.get()));
        }
        Optional<EtcdSettings.Credentials> credentials = credentials();
        if (credentials.isPresent()) {
            settings = settings.withCredentials(credentials.get());
        }
        return Optional.of(settings);
    }

    private Optional<EtcdSettings.Tls> tls() {
        if (caFile == null && certFile == null && keyFile == null) {
            return Optional.empty();
        }
        readable("--etcd-ca-file", caFile);
        readable("--etcd-cert-file", certFile);
        readable("--etcd-key-file", keyFile);
        if (certFile != null && keyFile == null) {
            throw usageError("--etcd-key-file", "a client certificate (--etcd-cert-file) needs its key; give both");
        }
        if (keyFile != null && certFile == null) {
            throw usageError("--etcd-cert-file", "a client key (--etcd-key-file) needs its certificate; give both");
        }
        return Optional.of(new EtcdSettings.Tls(Optional.ofNullable(caFile), Optional.ofNullable(certFile),
                Optional.ofNullable(keyFile)));
    }

    private Optional<EtcdSettings.Credentials> credentials() {
        if (password != null && passwordFile != null) {
            throw usageError("--etcd-password", "give the password or --etcd-password-file, not both");
        }
        Optional<String> secret = Optional.ofNullable(password).or(this::passwordFromFile);
        String name = user == null ? "" : user.trim();
        if (name.isEmpty() && secret.isEmpty()) {
            return Optional.empty();
        }
        if (name.isEmpty()) {
            throw usageError("--etcd-user", "a password is given but no etcd user; give the user too");
        }
        if (secret.isEmpty()) {
            throw usageError("--etcd-password", "the etcd user '" + name + "' needs a password: set VVM_ETCD_PASSWORD "
                    + "or give --etcd-password-file");
        }
        return Optional.of(new EtcdSettings.Credentials(name, secret.get()));
    }

    private Optional<String> passwordFromFile() {
        if (passwordFile == null) {
            return Optional.empty();
        }
        readable("--etcd-password-file", passwordFile);
        try {
            // Secrets written with echo or mounted from Kubernetes often end with a newline that is not part of it.
            return Optional.of(Files.readString(passwordFile).replaceFirst("[\r\n]+$", ""));
        } catch (IOException e) {
            throw usageError("--etcd-password-file", "cannot read '" + passwordFile + "': " + e.getMessage());
        }
    }

    /** Security options without endpoints would be silently ignored: refuse them. */
    private void rejectWithoutEndpoints() {
        Map<String, Object> etcdOnly = new LinkedHashMap<>();
        etcdOnly.put("--etcd-ca-file", caFile);
        etcdOnly.put("--etcd-cert-file", certFile);
        etcdOnly.put("--etcd-key-file", keyFile);
        etcdOnly.put("--etcd-user", user);
        etcdOnly.put("--etcd-password", password);
        etcdOnly.put("--etcd-password-file", passwordFile);
        etcdOnly.forEach((option, value) -> {
            if (value != null) {
                throw usageError(option, "it applies to etcd only; give --etcd-endpoints (VVM_ETCD_ENDPOINTS) too, "
                        + "or drop it");
            }
        });
    }

    private void readable(String option, Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw usageError(option, "'" + file + "' does not exist or cannot be read");
        }
    }

    private <T> T validated(String option, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw usageError(option, e.getMessage());
        }
    }

    ParameterException usageError(String option, String problem) {
        return new ParameterException(mixee.commandLine(), "Invalid value for option '" + option + "': " + problem);
    }
}
