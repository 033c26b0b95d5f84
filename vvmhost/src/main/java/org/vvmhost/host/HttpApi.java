package org.vvmhost.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's HTTP API on Jetty's core server: a fixed table of routes, each a method and a path, whose segments may
 * be parameters ({@code /world/entities/{id}}). Read-only routes are open; a mutating route needs the bearer token
 * (or, with none configured, a loopback-only listener), and its body is read only after that, up to
 * {@link HttpSettings#MAX_BODY_BYTES}, and must be JSON. A route may answer later (a future), without holding a
 * thread, or keep its response open as a stream of server-sent events. Whatever a handler throws becomes a 500: no
 * request can stop the process. Threads are named {@code vvm-http-*} and joined by {@link #close()}.
 */
final class HttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String JSON_TYPE = "application/json";
    /** Reads bodies; NaN and Infinity are read as numbers, so that a route's check names the field holding one. */
    private static final ObjectMapper BODY = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final int MAX_THREADS = 16;
    private static final long STOP_TIMEOUT_MILLIS = 2_000;
    private static final long IDLE_TIMEOUT_MILLIS = 30_000;

    /** How a route answers; it gets the parsed body of a mutating request. */
    @FunctionalInterface
    interface Endpoint {
        Reply handle(Call call) throws Exception;
    }

    /** How a route answers later, without holding a server thread while it waits. */
    @FunctionalInterface
    interface AsyncEndpoint {
        CompletionStage<Reply> handle(Call call) throws Exception;
    }

    /**
     * A route whose response is a stream of server-sent events: it either refuses with a reply, or takes the
     * {@link EventStream} and writes to it for as long as it likes.
     */
    @FunctionalInterface
    interface StreamEndpoint {
        Optional<Reply> open(Call call, EventStream stream) throws Exception;
    }

    /** An open response of server-sent events. One write at a time; a write in flight means a slow client. */
    interface EventStream {
        /** Writes {@code chunk}; {@code done} gets null once written, or the failure. */
        void send(String chunk, Consumer<Throwable> done);

        /** Ends the response. Idempotent. Only when no write is in flight: otherwise {@link #abort}. */
        void close();

        /** Drops the connection, whatever is in flight: for a client too slow to keep up. Idempotent. */
        void abort(Throwable why);
    }

    /**
     * A request as a route sees it. {@code body} is {@link MissingNode} when there is none; {@code parameters} are
     * the path's parameter segments by name; {@code query} reads a query parameter (null if absent); {@code target}
     * is the path and query as the client sent them, for a redirect; {@code threads} are the server's, for the work
     * that follows a future another thread completes (the tick loop, the command journal), so that it does not run
     * on that thread.
     */
    record Call(JsonNode body, Function<String, String> header, Map<String, String> parameters,
                Function<String, String> query, String target, Executor threads) {
        Call {
            parameters = Map.copyOf(parameters);
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(threads, "threads");
        }

        Call(JsonNode body, Function<String, String> header) {
            this(body, header, Map.of(), name -> null, "/", Runnable::run);
        }
    }

    /**
     * One route. {@code endpoint} is set for routes that answer at once, {@code async} for every answering route,
     * {@code stream} for event streams.
     */
    record Route(String method, String path, boolean mutating, Endpoint endpoint, AsyncEndpoint async,
                 StreamEndpoint stream) {
        Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            if ((async == null) == (stream == null)) {
                throw new IllegalArgumentException(path + ": a route answers or streams");
            }
        }

        static Route get(String path, Endpoint endpoint) {
            return new Route("GET", path, false, endpoint, now(endpoint), null);
        }

        static Route post(String path, Endpoint endpoint) {
            return new Route("POST", path, true, endpoint, now(endpoint), null);
        }

        static Route getLater(String path, AsyncEndpoint endpoint) {
            return new Route("GET", path, false, null, endpoint, null);
        }

        static Route postLater(String path, AsyncEndpoint endpoint) {
            return new Route("POST", path, true, null, endpoint, null);
        }

        static Route stream(String path, StreamEndpoint endpoint) {
            return new Route("GET", path, false, null, null, endpoint);
        }

        private static AsyncEndpoint now(Endpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            return call -> CompletableFuture.completedFuture(endpoint.handle(call));
        }

        /** The path's parameters if {@code actual} matches it, else null. */
        Map<String, String> match(String actual) {
            String[] pattern = path.split("/", -1);
            String[] given = actual.split("/", -1);
            if (pattern.length != given.length) {
                return null;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < pattern.length; i++) {
                if (pattern[i].startsWith("{") && pattern[i].endsWith("}")) {
                    if (given[i].isEmpty()) {
                        return null;
                    }
                    parameters.put(pattern[i].substring(1, pattern[i].length() - 1), given[i]);
                } else if (!pattern[i].equals(given[i])) {
                    return null;
                }
            }
            return parameters;
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
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Server server;
    /** The server's threads, which also run what follows a route's future (see {@link Call}). */
    private final Executor threads;
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
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2);
        pool.setName("vvm-http");
        this.threads = pool;
        this.server = new Server(pool);
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
                "payload_too_large", "bad_request", "conflict", "too_many_requests", "internal")) {
            errors(kind);
        }
    }

    /** Closes {@code part} (a stream hub, say) when the API closes, after the server stopped. */
    void closeWithServer(AutoCloseable part) {
        parts.add(part);
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
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", part, e.toString());
            }
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

    /** Answers one request at once: for tests, and for routes that answer at once. */
    Reply answer(String method, String path, Function<String, String> header, long contentLength,
                 BodyReader body) {
        return respond(method, path, name -> null, path, header, contentLength, body).toCompletableFuture().join();
    }

    /** A route and its path's parameters. */
    private record Resolved(Route route, Map<String, String> parameters) {
    }

    /** The route for {@code method} and {@code path}, or the reply that says why there is none. */
    private Object resolve(String method, String path) {
        List<Route> forPath = routes.get(path);
        Map<String, String> parameters = Map.of();
        if (forPath == null) {
            for (Map.Entry<String, List<Route>> entry : routes.entrySet()) {
                Map<String, String> matched = entry.getValue().get(0).match(path);
                if (matched != null) {
                    forPath = entry.getValue();
                    parameters = matched;
                    break;
                }
            }
        }
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
        return new Resolved(route.get(), parameters);
    }

    /** Answers one request: never fails, so a client cannot break the server. */
    private CompletionStage<Reply> respond(String method, String path, Function<String, String> query, String target,
                                           Function<String, String> header, long contentLength, BodyReader body) {
        Object resolved = resolve(method, path);
        if (resolved instanceof Reply refusal) {
            return CompletableFuture.completedFuture(refusal);
        }
        Resolved found = (Resolved) resolved;
        Route route = found.route();
        try {
            Optional<Reply> refusal = route.mutating() ? authorize(header.apply("Authorization")) : Optional.empty();
            if (refusal.isPresent()) {
                return CompletableFuture.completedFuture(refusal.get());
            }
            JsonNode json = MissingNode.getInstance();
            if (route.mutating()) {
                if (contentLength > HttpSettings.MAX_BODY_BYTES) {
                    return CompletableFuture.completedFuture(tooLarge());
                }
                byte[] bytes = body.read(HttpSettings.MAX_BODY_BYTES + 1);
                if (bytes.length > HttpSettings.MAX_BODY_BYTES) {
                    return CompletableFuture.completedFuture(tooLarge());
                }
                try {
                    json = bytes.length == 0 ? MissingNode.getInstance() : BODY.readTree(bytes);
                } catch (JsonProcessingException e) {
                    return CompletableFuture.completedFuture(Reply.error(400, "bad_request", "the body is not valid "
                            + "JSON: " + e.getOriginalMessage() + (e.getLocation() == null ? "" : " (line "
                            + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")")));
                }
            }
            return route.async().handle(new Call(json, header, found.parameters(), query, target, threads))
                    .exceptionally(failure -> failed(method, path, failure));
        } catch (Exception | StackOverflowError e) {
            return CompletableFuture.completedFuture(failed(method, path, e));
        }
    }

    private static Reply failed(String method, String path, Throwable e) {
        log.warn("{} {} failed", method, path, e);
        return Reply.error(500, "internal", "the request failed inside the server: " + e);
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

    /** Counts a reply; {@code route} is the route's path (a template, not the path asked for), or null. */
    private void count(String method, String route, Reply reply) {
        String endpoint = route != null ? route : "other";
        Counter.builder("vvmhost.http.requests")
                .tag("endpoint", endpoint)
                .tag("method", route != null ? method : "other")
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
            case 409: return Optional.of("conflict");
            case 413: return Optional.of("payload_too_large");
            case 429: return Optional.of("too_many_requests");
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

    /** How much of a body beyond the limit is read and dropped before the refusal, so the client reads it. */
    private static final long DRAIN_BYTES = 4L * HttpSettings.MAX_BODY_BYTES;

    /**
     * At most {@code limit} bytes of the body. A body that goes on is read on, up to {@link #DRAIN_BYTES}, and dropped:
     * a connection closed while the client still sends is reset, and the client would never read the 413.
     */
    private static byte[] readBody(Request request, int limit) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(limit);
            if (bytes.length == limit) {
                byte[] drop = new byte[8192];
                long drained = 0;
                for (int read; drained < DRAIN_BYTES && (read = in.read(drop)) >= 0; ) {
                    drained += read;
                }
            }
            return bytes;
        }
    }

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            String path = Request.getPathInContext(request);
            Object resolved = resolve(method, path);
            String route = resolved instanceof Resolved found ? found.route().path() : null;
            Fields query = Request.extractQueryParameters(request);
            Function<String, String> header = name -> request.getHeaders().get(name);
            String rawQuery = request.getHttpURI().getQuery();
            String target = request.getHttpURI().getPath() + (rawQuery == null ? "" : "?" + rawQuery);
            if (resolved instanceof Resolved found && found.route().stream() != null) {
                return stream(found, new Call(MissingNode.getInstance(), header, found.parameters(),
                        query::getValue, target, threads), method, response, callback);
            }
            respond(method, path, query::getValue, target, header, request.getLength(),
                    limit -> readBody(request, limit)).whenComplete((reply, failure) -> {
                Reply sent = failure == null ? reply : failed(method, path, failure);
                count(method, route, sent);
                response.setStatus(sent.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, sent.contentType());
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                sent.headers().forEach((name, value) -> response.getHeaders().put(name, value));
                response.write(true, ByteBuffer.wrap(sent.body()), callback);
            });
            return true;
        }

        private boolean stream(Resolved found, Call call, String method, Response response, Callback callback) {
            JettyStream stream = new JettyStream(response, callback);
            Optional<Reply> refusal;
            try {
                refusal = found.route().stream().open(call, stream);
            } catch (Exception e) {
                refusal = Optional.of(failed(method, found.route().path(), e));
            }
            if (refusal.isPresent()) {
                Reply reply = refusal.get();
                count(method, found.route().path(), reply);
                response.setStatus(reply.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
                reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
                response.write(true, ByteBuffer.wrap(reply.body()), callback);
            } else {
                count(method, found.route().path(), Reply.text(200, "text/event-stream", ""));
            }
            return true;
        }
    }

    /** An event stream over one Jetty response: headers go with the first write, and close ends the response. */
    private static final class JettyStream implements EventStream {
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean closed = new AtomicBoolean();
        private boolean started;

        JettyStream(Response response, Callback callback) {
            this.response = response;
            this.callback = callback;
        }

        @Override
        public synchronized void send(String chunk, Consumer<Throwable> done) {
            if (closed.get()) {
                done.accept(new IllegalStateException("the stream is closed"));
                return;
            }
            if (!started) {
                started = true;
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            }
            response.write(false, ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8)), Callback.from(
                    () -> done.accept(null), done::accept));
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                // Ends the response; a client that went away makes this fail, which is fine.
                response.write(true, ByteBuffer.allocate(0), callback);
            }
        }

        @Override
        public void abort(Throwable why) {
            if (closed.compareAndSet(false, true)) {
                callback.failed(why);
            }
        }
    }
}
