package org.vvmhost.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** A client of one replica's HTTP API, as curl would be: one request per call, a short timeout. */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A response: its status, body and {@code Location} header (empty if none). */
    record Answer(int status, String body, String location) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    private final URI base;
    private final HttpClient http;

    ApiClient(URI base) {
        this(base, HttpClient.newBuilder().connectTimeout(TIMEOUT).build());
    }

    ApiClient(URI base, SSLContext tls) {
        this(base, HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(tls).build());
    }

    private ApiClient(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    URI base() {
        return base;
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build());
    }

    Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(),
                response.headers().firstValue("Location").orElse(""));
    }

    /** The status of {@code path}, or -1 when the replica does not answer (it exited, or is paused). */
    int status(String path) throws InterruptedException {
        try {
            return get(path).status();
        } catch (IOException e) {
            return -1;
        }
    }
}
