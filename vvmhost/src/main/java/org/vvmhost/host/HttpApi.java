package org.vvmhost.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's HTTP API on Jetty's core server: a fixed table of routes, each a method and an exact path. Read-only
 * routes are open; a mutating route needs the bearer token (or, with none configured, a loopback-only listener), and
 * its body is read only after that, up to {@link HttpSettings#MAX_BODY_BYTES}, and must be JSON. Whatever a handler
 * throws becomes a 500: no request can stop the process. Threads are named {@code vvm-http-*} and joined by
 * {@link #close()}.
 */
final class HttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String JSON_TYPE = "application/json";

    private static final int MAX_THREADS = 16;
    private static final long STOP_TIMEOUT_MILLIS = 2_000;
    private static final long IDLE_TIMEOUT_MILLIS = 30_000;

    /** How a route answers; it gets the parsed body of a mutating request. */
    @FunctionalInterface
    interface Endpoint {
        Reply handle(Call call) throws Exception;
    }

    /** A request as a route sees it. {@code body} is {@link MissingNode} when there is none. */
    record Call(JsonNode body, Function<String, String> header) {
    }

    record Route(String method, String path, boolean mutating, Endpoint endpoint) {
        Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(endpoint, "endpoint");
        }

        static Route get(String path, Endpoint endpoint) {
            return new Route("GET", path, false, endpoint);
        }

        static Route post(String path, Endpoint endpoint) {
            return new Route("POST", path, true, endpoint);
        }
    }

    /** A response; {@code headers} are added to the content type. */
    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        Reply {
            headers = Map.copyOf(headers);
        }

        static Reply json(int status, Object value) {
            try {
                return new Reply(status, JSON_TYPE, JSON.writeValueAsBytes(value), Map.of());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the reply as JSON", e);
            }
        }

        static Reply text(int status, String contentType, String text) {
            return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply error(int status, String kind, String message) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("error", kind);
            body.put("message", message);
            return json(status, body);
        }

        Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, contentType, body, more);
        }
    }

    private final HttpSettings settings;
    private final String advertiseHost;
    private final Map<String, List<Route>> routes;
    private final MeterRegistry meters;
    private final Server server;
    private final ServerConnector connector;
    private volatile URI advertiseUrl;

    /**
     * @param advertiseHost the host name the default advertised URL uses
     */
    HttpApi(HttpSettings settings, String advertiseHost, List<Route> routes, MeterRegistry meters) {
        this.settings = settings;
        this.advertiseHost = advertiseHost;
        this.routes = routes.stream().collect(Collectors.groupingBy(Route::path, LinkedHashMap::new,
                Collectors.toList()));
        this.meters = meters;
        // At most MAX_THREADS requests run at once, whatever clients send; the tick loop has threads of its own.
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("vvm-http");
        this.server = new Server(threads);
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        if (settings.tls().isPresent()) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Clients reach a replica by address as often as by name; the certificate is the client's to check.
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStore(settings.tls().get().keyStore());
            tls.setKeyStorePassword("");
            tls.setKeyManagerPassword("");
            this.connector = new ServerConnector(server, 1, 1,
                    new SslConnectionFactory(tls, plain.getProtocol()), plain);
        } else {
            this.connector = new ServerConnector(server, 1, 1, plain);
        }
        connector.setHost(settings.host().orElse(null));
        connector.setPort(settings.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        server.addConnector(connector);
        server.setHandler(new Router());
        for (String kind : List.of("not_found", "method_not_allowed", "unauthorized", "forbidden",
                "payload_too_large", "bad_request", "internal")) {
            errors(kind);
        }
    }

    /**
     * Binds and starts serving.
     *
     * @throws HttpApiUnavailableException if the address cannot be bound (the port is in use, say)
     */
    void start() {
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            String where = settings.host().orElse("all interfaces") + ", port " + settings.port();
            String why = causedBy(e, BindException.class) ? "the port is in use, or the address is not this machine's"
                    : e.getMessage();
            throw new HttpApiUnavailableException("the HTTP API cannot listen on " + where + ": " + why
                    + ". Choose another --http-port (0 picks a free one) or --http-host", e);
        }
        advertiseUrl = settings.advertiseUrl().orElseGet(() ->
                URI.create(settings.scheme() + "://" + advertiseHost + ":" + connector.getLocalPort()));
        log.info("HTTP API listening on {}://{}:{} (advertised as {}){}", settings.scheme(),
                settings.host().orElse("0.0.0.0"), connector.getLocalPort(), advertiseUrl,
                settings.token().isPresent() ? ", mutating endpoints need the API token"
                        : settings.loopbackOnly() ? ", loopback only" : "");
    }

    /** The port it listens on; the chosen one if it was asked for port 0. */
    int port() {
        return connector.getLocalPort();
    }

    /** The base URL this replica advertises; known once started. */
    URI advertiseUrl() {
        URI url = advertiseUrl;
        if (url == null) {
            throw new IllegalStateException("the HTTP API has not started");
        }
        return url;
    }

    /** Stops accepting, lets requests in flight finish (briefly), and joins every server thread. Idempotent. */
    @Override
    public void close() {
        stopQuietly();
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("the HTTP API did not stop cleanly: {}", e.toString());
        }
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Answers one request: never throws, so a client cannot break the server. */
    Reply answer(String method, String path, Function<String, String> header, long contentLength,
                 BodyReader body) {
        List<Route> forPath = routes.get(path);
        if (forPath == null) {
            return Reply.error(404, "not_found", "no endpoint " + path + "; the endpoints are "
                    + new TreeSet<>(routes.keySet()));
        }
        Optional<Route> route = forPath.stream().filter(r -> r.method().equals(method)).findFirst();
        if (route.isEmpty()) {
            String allowed = forPath.stream().map(Route::method).collect(Collectors.joining(", "));
            return Reply.error(405, "method_not_allowed", path + " takes " + allowed + ", not " + method)
                    .withHeader("Allow", allowed);
        }
        try {
            if (!route.get().mutating()) {
                return route.get().endpoint().handle(new Call(MissingNode.getInstance(), header));
            }
            Optional<Reply> refusal = authorize(header.apply("Authorization"));
            if (refusal.isPresent()) {
                return refusal.get();
            }
            if (contentLength > HttpSettings.MAX_BODY_BYTES) {
                return tooLarge();
            }
            byte[] bytes = body.read(HttpSettings.MAX_BODY_BYTES + 1);
            if (bytes.length > HttpSettings.MAX_BODY_BYTES) {
                return tooLarge();
            }
            JsonNode json;
            try {
                json = bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
            } catch (JsonProcessingException e) {
                return Reply.error(400, "bad_request", "the body is not valid JSON: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")"));
            }
            return route.get().endpoint().handle(new Call(json, header));
        } catch (Exception | StackOverflowError e) {
            log.warn("{} {} failed", method, path, e);
            return Reply.error(500, "internal", "the request failed inside the server: " + e);
        }
    }

    private Optional<Reply> authorize(String authorization) {
        if (settings.token().isEmpty()) {
            if (settings.loopbackOnly()) {
                return Optional.empty();
            }
            return Optional.of(Reply.error(403, "forbidden", "this replica has no API token (--api-token-file), so "
                    + "it refuses every change unless its API listens on loopback only (--http-host 127.0.0.1)"));
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (settings.token().get().matches(presented)) {
            return Optional.empty();
        }
        return Optional.of(Reply.error(401, "unauthorized", presented == null
                ? "this endpoint needs the API token: send 'Authorization: Bearer <token>'"
                : "the API token does not match").withHeader("WWW-Authenticate", "Bearer realm=\"vvmhost\""));
    }

    private static Reply tooLarge() {
        return Reply.error(413, "payload_too_large", "the body is larger than " + HttpSettings.MAX_BODY_BYTES
                + " bytes");
    }

    private void count(String method, String path, Reply reply) {
        String endpoint = routes.containsKey(path) ? path : "other";
        Counter.builder("vvmhost.http.requests")
                .tag("endpoint", endpoint)
                .tag("method", routes.containsKey(path) ? method : "other")
                .tag("status", Integer.toString(reply.status()))
                .description("HTTP requests answered, by endpoint and status")
                .register(meters)
                .increment();
        errorKind(reply).ifPresent(kind -> errors(kind).increment());
    }

    private static Optional<String> errorKind(Reply reply) {
        switch (reply.status()) {
            case 400: return Optional.of("bad_request");
            case 401: return Optional.of("unauthorized");
            case 403: return Optional.of("forbidden");
            case 404: return Optional.of("not_found");
            case 405: return Optional.of("method_not_allowed");
            case 413: return Optional.of("payload_too_large");
            case 500: return Optional.of("internal");
            default: return Optional.empty();
        }
    }

    private Counter errors(String kind) {
        return Counter.builder("vvmhost.http.errors")
                .tag("kind", kind)
                .description("HTTP requests refused or failed, by kind (a probe's 503 is an answer, not an error)")
                .register(meters);
    }

    /** Reads at most {@code limit} bytes of the request body. */
    @FunctionalInterface
    interface BodyReader {
        byte[] read(int limit) throws IOException;
    }

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            String path = Request.getPathInContext(request);
            Reply reply = answer(method, path, name -> request.getHeaders().get(name), request.getLength(),
                    limit -> {
                        try (InputStream in = Content.Source.asInputStream(request)) {
                            return in.readNBytes(limit);
                        }
                    });
            count(method, path, reply);
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
            return true;
        }
    }
}
