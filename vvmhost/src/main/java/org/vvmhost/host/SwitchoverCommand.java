package org.vvmhost.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;
import org.vvmhost.time.SystemClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vvmhost switchover}: reads who leads from etcd, asks the leader's {@code POST /switchover} (with the API
 * token), and waits until etcd shows the new leader. The leader decides and checks everything; this only carries the
 * request and reports.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true,
        description = "Hands leadership over to a standby without stopping a process: the leader stops its services, "
                + "writes its final world view, releases its term and campaigns again as a standby. With --to, only "
                + "that standby takes over; otherwise the next in line does. It must be a candidate that says it is "
                + "ready (its /standby), or nothing changes.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the switchover happened: the new leader is shown",
            "2:usage error: a bad option or value",
            "3:no answer within --timeout (etcd or the leader's API), or no new leader within it",
            "6:etcd or the leader's API refused access (credentials, API token or TLS)",
            "8:the switchover was refused (no leader, no standby, an unknown or unready target): nothing changed"
        })
final class SwitchoverCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(100);

    @Spec
    private CommandSpec spec;

    @Mixin
    private LeadershipOptions leadershipOptions;

    @Option(names = "--to", paramLabel = "<instance-id>",
            description = "The standby to hand over to. Default: the next in line. Env: VVM_TO.")
    private String to;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long the whole switchover may take, and how long the leader's intent to hand over to "
                    + "--to lives. Default: ${DEFAULT-VALUE}. Env: VVM_TIMEOUT.")
    private Duration timeout;

    @Option(names = "--api-token-file", paramLabel = "<file>",
            description = "A file holding the replicas' API token (a trailing newline is ignored). "
                    + "Env: VVM_API_TOKEN_FILE.")
    private Path tokenFile;

    @Option(names = "--http-tls-cert-file", paramLabel = "<pem>",
            description = "When the replicas' API speaks HTTPS: trust the certificates in this PEM file (the "
                    + "replicas' certificate, or their CA) instead of the JVM's trust store. "
                    + "Env: VVM_HTTP_TLS_CERT_FILE.")
    private Path certFile;

    @Inject
    SwitchoverCommand() {
    }

    /** An outcome: the exit code and what to say, on standard output for 0 and standard error otherwise. */
    private record Outcome(ExitCode code, String message) {
    }

    @Override
    public Integer call() throws InterruptedException {
        // The lease is not used to read; any valid one will do.
        EtcdSettings etcd = leadershipOptions.etcdSettings(LeaseSettings.defaults()).orElseThrow(
                () -> leadershipOptions.usageError("--etcd-endpoints",
                        "switchover reads the leader from etcd; give its endpoints (or set VVM_ETCD_ENDPOINTS)"));
        if (timeout.compareTo(LeaseSettings.MINIMUM_TTL) < 0) {
            throw leadershipOptions.usageError("--timeout", "it must be at least 2s, as the leader's intent to hand "
                    + "over lives that long; got " + Durations.text(timeout));
        }
        Optional<String> token = Optional.ofNullable(tokenFile).map(this::token);
        HttpClient http = client();
        LogConfiguration.applyQuiet();
        Outcome outcome;
        try (SystemClock clock = SystemClock.create("vvm-switchover-clock")) {
            outcome = new Attempt(etcd, token, http, clock, clock.nanoTime() + timeout.toNanos()).run();
        }
        PrintWriter print = outcome.code() == ExitCode.GRACEFUL ? spec.commandLine().getOut()
                : spec.commandLine().getErr();
        print.println(outcome.message());
        print.flush();
        return outcome.code().code();
    }

    /** One switchover, against {@code deadline} on {@code clock}. */
    private final class Attempt {
        private final EtcdSettings etcd;
        private final Optional<String> token;
        private final HttpClient http;
        private final Clock clock;
        private final long deadline;

        Attempt(EtcdSettings etcd, Optional<String> token, HttpClient http, Clock clock, long deadline) {
            this.etcd = etcd;
            this.token = token;
            this.http = http;
            this.clock = clock;
            this.deadline = deadline;
        }

        Outcome run() throws InterruptedException {
            ElectionStatus before;
            try {
                before = EtcdLeaderships.status(etcd, left());
            } catch (LeadershipException e) {
                return etcdFailed(etcd, e);
            }
            if (before.leader().isEmpty()) {
                return new Outcome(ExitCode.SWITCHOVER_REFUSED, "no leader in the election '" + etcd.election()
                        + "': nothing to switch over; nothing changed");
            }
            ElectionStatus.Entry leader = before.leader().get();
            if (leader.advertiseUrl().isEmpty()) {
                return new Outcome(ExitCode.SWITCHOVER_REFUSED, "the leader " + leader.id() + " advertises no HTTP "
                        + "API (--advertise-url), so it cannot be asked; nothing changed");
            }
            URI url = URI.create(leader.advertiseUrl()).resolve("/switchover");
            HttpResponse<String> answer;
            try {
                answer = post(url);
                if (answer.statusCode() == 307 && answer.headers().firstValue("Location").isPresent()) {
                    // The leader changed since etcd was read: ask the one it names, once.
                    url = URI.create(answer.headers().firstValue("Location").get());
                    answer = post(url);
                }
            } catch (IOException e) {
                return new Outcome(ExitCode.STARTUP_FAILED, "the leader " + leader.id() + " did not answer at " + url
                        + " within " + Durations.text(timeout) + ": " + e.getMessage() + ". Check that its advertised "
                        + "URL is reachable from here; --timeout waits longer");
            }
            String said = message(answer.body());
            switch (answer.statusCode()) {
                case 200, 202:
                    return awaitNewLeader(leader);
                case 401, 403:
                    return new Outcome(ExitCode.ACCESS_DENIED, "the leader's API refused the request ("
                            + answer.statusCode() + "): " + said + ". To fix: give the replicas' token with "
                            + "--api-token-file (VVM_API_TOKEN_FILE)");
                case 400, 409, 503:
                    return new Outcome(ExitCode.SWITCHOVER_REFUSED, "switchover refused by " + url + ": " + said);
                default:
                    return new Outcome(ExitCode.INTERNAL_ERROR, "the leader answered " + answer.statusCode() + ": "
                            + said);
            }
        }

        private HttpResponse<String> post(URI url) throws IOException, InterruptedException {
            ObjectNode body = HttpApi.JSON.createObjectNode().put("timeout", Durations.text(timeout));
            if (to != null) {
                body.put("to", to.trim());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(url)
                    .timeout(left().plus(StandbyProbe.TIMEOUT))
                    .header("Content-Type", HttpApi.JSON_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
            token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Reads the election until a leader other than {@code old} has confirmed its win. */
        private Outcome awaitNewLeader(ElectionStatus.Entry old) throws InterruptedException {
            long asked = clock.nanoTime();
            String was = old.id() + " (fencing token " + old.fencingToken().map(FencingToken::toString).orElse("-")
                    + ")";
            while (true) {
                try {
                    Optional<ElectionStatus.Entry> now = EtcdLeaderships.status(etcd, left()).leader();
                    if (now.isPresent() && !now.get().key().equals(old.key()) && now.get().fencingToken().isPresent()) {
                        return new Outcome(ExitCode.GRACEFUL, "switchover: " + was + " handed over to "
                                + now.get().id() + ", which leads with fencing token " + now.get().fencingToken().get()
                                + " (" + TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - asked) + " ms)");
                    }
                } catch (LeadershipAccessException e) {
                    return etcdFailed(etcd, e);
                } catch (LeadershipException e) {
                    // etcd did not answer this time; the deadline decides.
                }
                if (clock.nanoTime() + POLL.toNanos() > deadline) {
                    return new Outcome(ExitCode.STARTUP_FAILED, was + " released its term, but no new leader "
                            + "confirmed its win within " + Durations.text(timeout) + "; see 'vvmhost status'");
                }
                pause();
            }
        }

        /** The time left until the deadline, at least a millisecond (a timeout of 0 means none to the callees). */
        private Duration left() {
            return Duration.ofNanos(Math.max(1_000_000, deadline - clock.nanoTime()));
        }

        /** Waits {@link #POLL} on the clock. */
        private void pause() throws InterruptedException {
            CompletableFuture<Void> over = new CompletableFuture<>();
            clock.schedule(POLL, () -> over.complete(null));
            try {
                over.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a pause cannot fail", e);
            }
        }
    }

    private Outcome etcdFailed(EtcdSettings etcd, LeadershipException e) {
        if (e instanceof LeadershipAccessException refused) {
            return new Outcome(ExitCode.ACCESS_DENIED, AccessErrors.describe(refused));
        }
        return new Outcome(ExitCode.STARTUP_FAILED, "cannot read the election '" + etcd.election() + "' from etcd "
                + etcd.endpoints() + " within " + Durations.text(timeout) + ": " + e.getMessage()
                + ". Check --etcd-endpoints, and that etcd runs; --timeout waits longer. Nothing changed");
    }

    private static String message(String body) {
        try {
            JsonNode json = HttpApi.JSON.readTree(body);
            return json.hasNonNull("message") ? json.get("message").asText() : body.strip();
        } catch (IOException e) {
            return body.strip();
        }
    }

    private String token(Path file) {
        try {
            return HttpOptions.readToken(file);
        } catch (IllegalArgumentException e) {
            throw leadershipOptions.usageError("--api-token-file", e.getMessage());
        }
    }

    private HttpClient client() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (certFile != null) {
            try {
                builder.sslContext(PemKeys.trusting(certFile));
            } catch (IllegalArgumentException e) {
                throw leadershipOptions.usageError("--http-tls-cert-file", e.getMessage());
            }
        }
        return builder.build();
    }
}
