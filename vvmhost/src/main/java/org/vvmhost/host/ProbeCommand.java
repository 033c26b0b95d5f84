package org.vvmhost.host;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vvmhost probe}: asks this machine's replica one probe, for the image's {@code HEALTHCHECK} (the runtime image
 * has no curl). It reads the same {@code VVM_HTTP_PORT} and TLS variables as {@code run}.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Asks the replica on this machine one probe of its HTTP API (default /livez) and exits 0 if it "
                + "answers 200; for a container's health check.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the probe answered 200",
            "1:it answered something else, or nothing within --timeout",
            "2:usage error: a bad option or value"
        })
final class ProbeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--http-port", paramLabel = "<port>", defaultValue = "8080",
            description = "The replica's HTTP port. Default: ${DEFAULT-VALUE}. Env: VVM_HTTP_PORT.")
    private int port;

    @Option(names = "--path", paramLabel = "<path>", defaultValue = "/livez",
            description = "The probe to ask: /livez, /readyz, /leader or /standby. Default: ${DEFAULT-VALUE}.")
    private String path;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "3s", converter = DurationConverter.class,
            description = "How long to wait for the answer. Default: ${DEFAULT-VALUE}. Env: VVM_TIMEOUT.")
    private Duration timeout;

    @Option(names = "--http-tls-cert-file", paramLabel = "<pem>",
            description = "The replica's own certificate, when its API speaks HTTPS: the probe then trusts exactly "
                    + "that certificate. Env: VVM_HTTP_TLS_CERT_FILE.")
    private Path certFile;

    @Inject
    ProbeCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        URI url = URI.create((certFile == null ? "http" : "https") + "://127.0.0.1:" + port
                + (path.startsWith("/") ? path : "/" + path));
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(timeout);
        if (certFile != null) {
            // The one certificate is pinned, so its host names need not match the loopback address we call.
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            client.sslContext(trusting(certFile));
        }
        try {
            HttpResponse<String> answer = client.build().send(HttpRequest.newBuilder(url).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println(answer.statusCode() + " " + url + " " + answer.body().replaceAll("\\s+", " ").trim());
            out.flush();
            return answer.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            out.println("no answer from " + url + ": " + e);
            out.flush();
            return 1;
        }
    }

    private SSLContext trusting(Path certificate) {
        try {
            return PemKeys.trusting(certificate);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--http-tls-cert-file': " + e.getMessage());
        }
    }
}
