package org.vvmhost.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * Asks a standby, through the URL it advertises, whether it can take over: its {@code /standby} probe. One blocking
 * request on the caller's thread, bounded by {@link #TIMEOUT}, on a connection closed afterwards, so that nothing
 * lingers. Over HTTPS it trusts the certificates of this replica's own {@code --http-tls-cert-file}: replicas share a
 * certificate, or a chain with the CA that signed each one.
 */
final class StandbyProbe {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Optional<SSLContext> tls;

    StandbyProbe(HttpSettings settings) {
        this.tls = settings.tls().map(own -> PemKeys.trusting(own.certFile()));
    }

    SwitchoverPlan.Readiness ask(String baseUrl) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) new URI(baseUrl).resolve("/standby").toURL().openConnection();
            if (connection instanceof HttpsURLConnection https && tls.isPresent()) {
                https.setSSLSocketFactory(tls.get().getSocketFactory());
            }
            connection.setConnectTimeout((int) TIMEOUT.toMillis());
            connection.setReadTimeout((int) TIMEOUT.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Connection", "close");
            int status = connection.getResponseCode();
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return new SwitchoverPlan.Readiness(status, reason(body));
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return new SwitchoverPlan.Readiness(-1, e.toString());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /** The probe's {@code reason}, or what it said instead. */
    private static String reason(InputStream body) throws IOException {
        if (body == null) {
            return "no reason given";
        }
        try (body) {
            byte[] bytes = body.readNBytes(4096);
            try {
                JsonNode json = HttpApi.JSON.readTree(bytes);
                if (json.hasNonNull("reason")) {
                    return json.get("reason").asText();
                }
            } catch (IOException e) {
                // Not a probe of ours: show what it said.
            }
            return new String(bytes, StandardCharsets.UTF_8).strip();
        }
    }
}
