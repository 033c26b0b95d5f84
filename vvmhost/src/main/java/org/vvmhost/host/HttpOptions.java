package org.vvmhost.host;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The HTTP API of {@code vvmhost run}: probes, status, metrics, and the mutating endpoints' token. */
final class HttpOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--http-port", paramLabel = "<port>", defaultValue = "8080",
            description = "Port of the HTTP API (probes, status, metrics); 0 picks a free one and logs it. "
                    + "Default: ${DEFAULT-VALUE}. Env: VVM_HTTP_PORT.")
    private int port;

    @Option(names = "--http-host", paramLabel = "<address>",
            description = "Address the HTTP API listens on, for example 127.0.0.1. Default: all interfaces. "
                    + "Env: VVM_HTTP_HOST.")
    private String host;

    @Option(names = "--advertise-url", paramLabel = "<url>",
            description = "The URL of this replica's HTTP API as others reach it, stored in its election value "
                    + "(vvmhost status shows it). Default: http://<host name>:<port>. Env: VVM_ADVERTISE_URL.")
    private String advertiseUrl;

    @Option(names = "--api-token-file", paramLabel = "<file>",
            description = "A file holding the bearer token that mutating endpoints require (a trailing newline is "
                    + "ignored). Without it they are refused, unless the API listens on loopback only. "
                    + "Env: VVM_API_TOKEN_FILE.")
    private Path tokenFile;

    @Option(names = "--http-tls-cert-file", paramLabel = "<pem>",
            description = "PEM certificate (chain) of the HTTP API: it then speaks HTTPS only. Give "
                    + "--http-tls-key-file with it. Env: VVM_HTTP_TLS_CERT_FILE.")
    private Path certFile;

    @Option(names = "--http-tls-key-file", paramLabel = "<pem>",
            description = "PEM (PKCS#8) private key of the HTTP API's certificate. Env: VVM_HTTP_TLS_KEY_FILE.")
    private Path keyFile;

    /** The validated settings; each problem is a usage error that names its option. */
    HttpSettings settings() {
        if (port < 0 || port > 65535) {
            throw usageError("--http-port", "a port is within 0..65535 (0 picks a free one), got " + port);
        }
        Optional<String> listenHost = Optional.ofNullable(host).map(String::trim).filter(h -> !h.isEmpty());
        boolean loopbackOnly = false;
        if (listenHost.isPresent()) {
            try {
                loopbackOnly = InetAddress.getByName(listenHost.get()).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw usageError("--http-host", "'" + listenHost.get() + "' is not an address of this machine "
                        + "(for example 127.0.0.1, or leave it out to listen on all interfaces)");
            }
        }
        Optional<HttpSettings.Tls> tls = tls();
        Optional<URI> advertise = Optional.ofNullable(advertiseUrl).map(String::trim).filter(u -> !u.isEmpty())
                .map(this::advertiseUrl);
        Optional<HttpSettings.ApiToken> token = Optional.ofNullable(tokenFile).map(this::token);
        return new HttpSettings(listenHost, port, loopbackOnly, advertise, token, tls);
    }

    private URI advertiseUrl(String text) {
        String problem;
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problem = "it must start with http:// or https://";
            } else if (uri.getHost() == null) {
                problem = "it names no host";
            } else if (uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
                problem = "it must be a base URL, without user, query or fragment";
            } else {
                return uri;
            }
        } catch (URISyntaxException e) {
            problem = "not a URL: " + e.getReason();
        }
        throw usageError("--advertise-url", "'" + text + "': " + problem
                + "; give the URL others reach this replica's HTTP API at, for example http://10.0.0.7:8080");
    }

    private HttpSettings.ApiToken token(Path file) {
        try {
            return new HttpSettings.ApiToken(readToken(file));
        } catch (IllegalArgumentException e) {
            throw usageError("--api-token-file", e.getMessage());
        }
    }

    /**
     * The API token in {@code file}, for the server and for a client alike.
     *
     * @throws IllegalArgumentException if it cannot be read or is empty
     */
    static String readToken(Path file) {
        String text;
        try {
            // A secret written with echo or mounted from Kubernetes often ends with a newline that is not part of it.
            text = Files.readString(file).replaceFirst("[\r\n]+$", "");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read '" + file + "': " + e.getMessage(), e);
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("'" + file + "' is empty; put the token in it");
        }
        return text;
    }

    private Optional<HttpSettings.Tls> tls() {
        if (certFile == null && keyFile == null) {
            return Optional.empty();
        }
        if (keyFile == null) {
            throw usageError("--http-tls-key-file", "a certificate (--http-tls-cert-file) needs its key; give both");
        }
        if (certFile == null) {
            throw usageError("--http-tls-cert-file", "a key (--http-tls-key-file) needs its certificate; give both");
        }
        try {
            return Optional.of(new HttpSettings.Tls(certFile, keyFile, PemKeys.keyStore(certFile, keyFile)));
        } catch (IllegalArgumentException e) {
            String option = e.getMessage().contains("'" + keyFile + "'") && !e.getMessage().contains("certificate in")
                    ? "--http-tls-key-file" : "--http-tls-cert-file";
            throw usageError(option, e.getMessage());
        }
    }

    private ParameterException usageError(String option, String problem) {
        return new ParameterException(mixee.commandLine(), "Invalid value for option '" + option + "': " + problem);
    }
}
