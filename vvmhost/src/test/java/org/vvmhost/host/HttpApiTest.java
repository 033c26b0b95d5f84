package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.testing.TestCertificates;

/**
 * The HTTP server on loopback, with the production router and a mutating route that exists only here (the real ones
 * come with the switchover): who may change what, body limits, malformed input, failures, TLS, and the threads.
 */
class HttpApiTest {

    private static final String TOKEN = "s3cret-token-for-tests";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Bodies the mutating route acted on. */
    private final List<JsonNode> changes = new CopyOnWriteArrayList<>();
    private final List<HttpApi> apis = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @AfterEach
    void closeAndCheckThreads() {
        apis.forEach(HttpApi::close);
        assertThat(Thread.getAllStackTraces().keySet()).as("threads left after close")
                .noneMatch(thread -> thread.getName().startsWith("vvm-http"));
    }

    @Test
    void readOnlyRoutesAreOpenAndUnknownOnesAreNamed() throws Exception {
        HttpApi api = start(settings(true, Optional.empty()));

        assertThat(get(api, "/ping").statusCode()).isEqualTo(200);
        HttpResponse<String> missing = get(api, "/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("message").asText()).contains("/nope", "/ping");
        HttpResponse<String> wrongMethod = send(api, HttpRequest.newBuilder(url(api, "/ping"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
        assertThat(meters.get("vvmhost.http.errors").tag("kind", "not_found").counter().count()).isEqualTo(1);
        assertThat(meters.get("vvmhost.http.requests").tags("endpoint", "other", "status", "404").counter().count())
                .as("an unknown path is counted as 'other', never by its own name").isEqualTo(1);
    }

    @Test
    void aChangeNeedsTheBearerToken() throws Exception {
        HttpApi api = start(settings(false, Optional.of(TOKEN)));

        HttpResponse<String> none = post(api, "{\"to\":\"b\"}", Optional.empty());
        HttpResponse<String> wrong = post(api, "{\"to\":\"b\"}", Optional.of("Bearer not-the-token"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("message").asText()).contains("does not match");
        assertThat(changes).as("nothing changed").isEmpty();

        HttpResponse<String> right = post(api, "{\"to\":\"b\"}", Optional.of("Bearer " + TOKEN));
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(changes).singleElement().satisfies(body -> assertThat(body.get("to").asText()).isEqualTo("b"));
    }

    @Test
    void withoutATokenChangesAreRefusedUnlessTheApiIsLoopbackOnly() throws Exception {
        HttpApi open = start(settings(false, Optional.empty()));
        HttpResponse<String> refused = post(open, "{}", Optional.empty());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).get("message").asText()).contains("--api-token-file", "loopback");
        assertThat(changes).isEmpty();

        HttpApi loopback = start(settings(true, Optional.empty()));
        assertThat(post(loopback, "{}", Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(changes).hasSize(1);
    }

    @Test
    void anOversizedBodyIs413WhetherItsLengthIsDeclaredOrNot() throws Exception {
        HttpApi api = start(settings(true, Optional.empty()));
        String big = "{\"pad\":\"" + "x".repeat(HttpSettings.MAX_BODY_BYTES) + "\"}";

        HttpResponse<String> declared = post(api, big, Optional.empty());
        HttpResponse<String> chunked = send(api, HttpRequest.newBuilder(url(api, "/change")).POST(
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))));

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(changes).isEmpty();
        assertThat(get(api, "/ping").statusCode()).as("it still serves").isEqualTo(200);
    }

    @Test
    void malformedJsonIs400NamingTheProblem() throws Exception {
        HttpApi api = start(settings(true, Optional.empty()));

        HttpResponse<String> bad = post(api, "{\"to\": b}", Optional.empty());

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("message").asText()).contains("not valid JSON", "Unrecognized token 'b'",
                "line 1, column");
        assertThat(changes).isEmpty();
    }

    @Test
    void aFailingHandlerIs500AndTheServerGoesOn() throws Exception {
        HttpApi api = start(settings(true, Optional.empty()));

        HttpResponse<String> failed = get(api, "/boom");

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(json(failed).get("error").asText()).isEqualTo("internal");
        assertThat(get(api, "/ping").statusCode()).isEqualTo(200);
    }

    @Test
    void tlsServesWithAPemCertificateAndRefusesPlainHttp() throws Exception {
        TestCertificates certificates = TestCertificates.generate();
        HttpSettings.Tls tls = new HttpSettings.Tls(certificates.serverCert(), certificates.serverKey(),
                PemKeys.keyStore(certificates.serverCert(), certificates.serverKey()));
        HttpApi api = start(new HttpSettings(Optional.of("127.0.0.1"), 0, true, Optional.empty(), Optional.empty(),
                Optional.of(tls)));
        HttpClient trusting = HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(PemKeys.trusting(certificates.ca()))
                .build();

        HttpResponse<String> secure = trusting.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + api.port() + "/ping")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(secure.statusCode()).isEqualTo(200);
        assertThat(api.advertiseUrl().getScheme()).isEqualTo("https");
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + api.port()
                + "/ping")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()))
                .as("a client that does not trust the certificate").isInstanceOf(IOException.class);
        int plain;
        try {
            plain = get(api, "/ping").statusCode();
        } catch (IOException e) {
            plain = -1;
        }
        assertThat(plain).as("plain HTTP to the TLS port").isNotEqualTo(200);
    }

    @Test
    void aPortInUseIsReportedAndLeavesNoThreads() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HttpApi api = new HttpApi(new HttpSettings(Optional.of("127.0.0.1"), taken.getLocalPort(), true,
                    Optional.empty(), Optional.empty(), Optional.empty()), "test-host", routes(), meters);
            apis.add(api);

            assertThatThrownBy(api::start).isInstanceOf(HttpApiUnavailableException.class)
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("in use");
        }
    }

    @Test
    void theDefaultAdvertisedUrlIsTheHostNameAndTheBoundPort() {
        HttpApi api = start(settings(true, Optional.empty()));

        assertThat(api.advertiseUrl()).isEqualTo(URI.create("http://test-host:" + api.port()));
    }

    private HttpApi start(HttpSettings settings) {
        HttpApi api = new HttpApi(settings, "test-host", routes(), meters);
        apis.add(api);
        api.start();
        return api;
    }

    private List<HttpApi.Route> routes() {
        return List.of(
                HttpApi.Route.get("/ping", call -> HttpApi.Reply.json(200, Map.of("pong", true))),
                HttpApi.Route.get("/boom", call -> {
                    throw new IllegalStateException("a handler bug");
                }),
                HttpApi.Route.post("/change", call -> {
                    changes.add(call.body());
                    return HttpApi.Reply.json(200, Map.of("changed", true));
                }));
    }

    /** On loopback; {@code loopbackOnly} false stands for an API that others can reach. */
    private static HttpSettings settings(boolean loopbackOnly, Optional<String> token) {
        return new HttpSettings(Optional.of("127.0.0.1"), 0, loopbackOnly, Optional.empty(),
                token.map(HttpSettings.ApiToken::new), Optional.empty());
    }

    private static URI url(HttpApi api, String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private HttpResponse<String> get(HttpApi api, String path) throws IOException, InterruptedException {
        return send(api, HttpRequest.newBuilder(url(api, path)).GET());
    }

    private HttpResponse<String> post(HttpApi api, String body, Optional<String> authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(api, "/change"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authorization.ifPresent(value -> request.header("Authorization", value));
        return send(api, request);
    }

    private HttpResponse<String> send(HttpApi api, HttpRequest.Builder request) throws IOException,
            InterruptedException {
        return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readTree(response.body());
    }
}
