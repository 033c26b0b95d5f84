package org.vvmhost.host.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * A SWITCHOVER round's request, made as {@code vvmhost switchover} makes it: {@code POST /switchover} to the leader's
 * advertised URL, following one 307 to the leader a standby names, with the API token if one is given. Before it, the
 * round's choice of successor, and a wait until every standby's {@code /standby} says it is ready: the leader refuses
 * a switchover to a standby that is not (it has not preloaded the world yet), and nothing changes.
 */
final class PlannedSwitchover {

    /** How long the leader may take to hand over, and how long its intent that names the successor lives. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** What the leader answered: the HTTP status, its message, and the successor it chose, if it accepted. */
    record Answer(int status, String message, Optional<String> to) {
        boolean accepted() {
            return status == 200 || status == 202;
        }

        String describe() {
            return status < 0 ? message : "HTTP " + status + ": " + message;
        }
    }

    private final HttpClient http;
    private final Optional<String> token;
    private final Clock clock;

    PlannedSwitchover(Optional<String> token, Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.token = token;
        this.clock = clock;
    }

    /**
     * Whether round {@code number} (from 1) of {@code plan} names its successor: the first SWITCHOVER round does, the
     * second hands over to the next in line, and so on in turn.
     */
    static boolean named(List<FaultKind> plan, int number) {
        long before = plan.subList(0, number - 1).stream().filter(kind -> kind == FaultKind.SWITCHOVER).count();
        return before % 2 == 0;
    }

    /**
     * The standby a named round hands over to: the last in line, so that the leader's intent decides who takes over
     * and not the line; empty with no standby.
     */
    static Optional<ElectionStatus.Entry> target(ElectionStatus election) {
        List<ElectionStatus.Entry> waiting = election.waiting();
        return waiting.isEmpty() ? Optional.empty() : Optional.of(waiting.get(waiting.size() - 1));
    }

    /**
     * Waits until the {@code /standby} of each of {@code standbys} answers 200; returns the first that did not within
     * {@code timeout}, with what it answered.
     */
    Optional<String> awaitReady(List<ElectionStatus.Entry> standbys, Duration timeout) throws InterruptedException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        for (ElectionStatus.Entry standby : standbys) {
            if (standby.advertiseUrl().isEmpty()) {
                return Optional.of(standby.id() + " advertises no HTTP API, so the leader cannot ask whether it is "
                        + "ready");
            }
            String last = "";
            while (true) {
                try {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(standby.advertiseUrl())
                            .resolve("/standby")).timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        break;
                    }
                    last = "HTTP " + answer.statusCode() + ": " + message(answer.body());
                } catch (IOException e) {
                    last = e.toString();
                }
                if (clock.nanoTime() > deadline) {
                    return Optional.of(standby.id() + "'s /standby did not answer 200 within "
                            + Durations.text(timeout) + " (last: " + last + ")");
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        return Optional.empty();
    }

    /** Asks {@code leader} to hand over, to {@code to} if given; an unanswered request has status -1. */
    Answer request(ElectionStatus.Entry leader, Optional<String> to) throws InterruptedException {
        if (leader.advertiseUrl().isEmpty()) {
            return new Answer(-1, "the leader " + leader.id() + " advertises no HTTP API (--advertise-url)",
                    Optional.empty());
        }
        ObjectNode body = JSON.createObjectNode().put("timeout", Durations.text(TIMEOUT));
        to.ifPresent(id -> body.put("to", id));
        URI url = URI.create(leader.advertiseUrl()).resolve("/switchover");
        try {
            HttpResponse<String> answer = post(url, body);
            if (answer.statusCode() == 307 && answer.headers().firstValue("Location").isPresent()) {
                // The leader changed since the election was read: ask the one it names, once.
                answer = post(URI.create(answer.headers().firstValue("Location").get()), body);
            }
            JsonNode json = json(answer.body());
            return new Answer(answer.statusCode(), message(answer.body()),
                    Optional.ofNullable(json.path("to").textValue()));
        } catch (IOException e) {
            return new Answer(-1, "no answer from " + url + ": " + e, Optional.empty());
        }
    }

    private HttpResponse<String> post(URI url, ObjectNode body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT.plus(PROBE_TIMEOUT))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String message(String body) {
        JsonNode json = json(body);
        return json.hasNonNull("message") ? json.get("message").asText()
                : json.hasNonNull("reason") ? json.get("reason").asText() : body.strip();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
