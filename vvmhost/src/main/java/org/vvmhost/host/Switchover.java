package org.vvmhost.host;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dagger.Lazy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.UnknownCandidateException;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;
import org.vvmhost.vvm.Causes;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code POST /switchover}: a planned handover without stopping a process. On the leader: read the election, choose the
 * successor ({@link SwitchoverPlan}), ask it whether it is ready, name it in a switchover intent if one was asked for,
 * then relaunch the VVM: services stop, the final world view is written, the term is released, and a new VVM
 * campaigns as a standby. Nothing changes until every check has passed. A standby answers 307 with the leader's
 * advertised URL. One switchover at a time.
 */
final class Switchover {

    private static final Logger log = LoggerFactory.getLogger(Switchover.class);

    /** How long a switchover may take by default, and how long its intent lives. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The request: the candidate to hand over to (the next in line if empty), and the time it may take. */
    record Request(Optional<String> to, Duration timeout) {

        /**
         * Reads a body of {@code {"to": "<id>", "timeout": "10s"}}, both optional.
         *
         * @throws IllegalArgumentException naming what is wrong
         */
        static Request parse(JsonNode body) {
            if (body.isMissingNode() || body.isNull()) {
                return new Request(Optional.empty(), DEFAULT_TIMEOUT);
            }
            if (!body.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object such as {\"to\": \"<instance id>\", "
                        + "\"timeout\": \"10s\"}, both optional");
            }
            List<String> unknown = new ArrayList<>();
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals("to") && !name.equals("timeout")) {
                    unknown.add(name);
                }
            });
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown field(s) " + unknown + "; the fields are 'to' and "
                        + "'timeout'");
            }
            Optional<String> to = Optional.empty();
            if (body.has("to") && !body.get("to").isNull()) {
                if (!body.get("to").isTextual() || body.get("to").asText().isBlank()) {
                    throw new IllegalArgumentException("'to' is the instance id of a standby, a non-blank string");
                }
                to = Optional.of(body.get("to").asText().trim());
            }
            Duration timeout = DEFAULT_TIMEOUT;
            if (body.has("timeout") && !body.get("timeout").isNull()) {
                try {
                    timeout = new DurationConverter().convert(body.get("timeout").asText());
                } catch (TypeConversionException e) {
                    throw new IllegalArgumentException("'timeout': " + e.getMessage());
                }
                if (timeout.compareTo(LeaseSettings.MINIMUM_TTL) < 0) {
                    throw new IllegalArgumentException("'timeout' must be at least 2s (the switchover intent lives "
                            + "that long, etcd's shortest lease); got " + Durations.text(timeout));
                }
            }
            return new Request(to, timeout);
        }
    }

    /** What a switchover answers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Answer(String status, String message, String from, String fencingToken, String to, String leader) {
    }

    private final ReplicaStatus status;
    private final ElectionReader election;
    private final StandbyProbe standbys;
    /** Lazy: the runner's campaign gate needs the leadership, whose candidate needs this API's port. */
    private final Lazy<VvmRunner> runner;
    private final Clock clock;
    private final AtomicBoolean busy = new AtomicBoolean();

    Switchover(ReplicaStatus status, ElectionReader election, StandbyProbe standbys, Lazy<VvmRunner> runner, Clock clock) {
        this.status = status;
        this.election = election;
        this.standbys = standbys;
        this.runner = runner;
        this.clock = clock;
    }

    HttpApi.Reply handle(JsonNode body) {
        Request request;
        try {
            request = Request.parse(body);
        } catch (IllegalArgumentException e) {
            return HttpApi.Reply.error(400, "bad_request", e.getMessage());
        }
        ReplicaState state = status.current();
        if (state.phase() != ReplicaState.Phase.SERVING) {
            return notServing(state);
        }
        if (!busy.compareAndSet(false, true)) {
            return refused(new SwitchoverPlan.Refused(409, "a switchover is under way already"));
        }
        try {
            return switchOver(request, clock.nanoTime() + request.timeout().toNanos());
        } finally {
            busy.set(false);
        }
    }

    private HttpApi.Reply switchOver(Request request, long deadline) {
        String self = status.instanceId();
        SwitchoverPlan plan = SwitchoverPlan.choose(self, election.readFresh(Optional.empty()), request.to());
        if (plan instanceof SwitchoverPlan.Refused refusal) {
            return refused(refusal);
        }
        SwitchoverPlan.HandOver handOver = (SwitchoverPlan.HandOver) plan;
        Optional<SwitchoverPlan.Refused> unready = SwitchoverPlan.unready(handOver, standbys.ask(handOver.url()));
        if (unready.isPresent()) {
            return refused(unready.get());
        }
        Optional<Term> term = status.heldTerm();
        if (term.isEmpty()) {
            return refused(new SwitchoverPlan.Refused(409, "this replica holds no term any more"));
        }
        String token = term.get().fencingToken().toString();
        String successor = handOver.successor();
        if (handOver.named()) {
            Optional<SwitchoverPlan.Refused> notNamed = name(term.get(), successor, request.timeout(), deadline);
            if (notNamed.isPresent()) {
                return refused(notNamed.get());
            }
        }
        log.info("switchover to {} requested: the services stop, the final world view is written, then the term "
                + "(fencing token {}) is released", successor, token);
        status.switchoverRequested(successor);
        CompletableFuture<Void> released = runner.get().relaunch("switchover to " + successor);
        if (released.isCompletedExceptionally()) {
            status.switchoverCancelled();
            return refused(new SwitchoverPlan.Refused(409, "this replica is shutting down already"));
        }
        Answer answer = new Answer("released", self + " (fencing token " + token + ") released its term to "
                + successor + ", which takes over as it confirms", self, token, successor, null);
        try {
            await(released, deadline);
            return HttpApi.Reply.json(200, answer);
        } catch (TimeoutException e) {
            return HttpApi.Reply.json(202, new Answer("under way", "the switchover to " + successor + " is under way: "
                    + "the term is released once the services have stopped and the final world view is written",
                    self, token, successor, null));
        } catch (CompletionException e) {
            return HttpApi.Reply.error(500, "internal", "the switchover to " + successor + " failed: "
                    + e.getCause().getMessage() + "; this replica stops");
        }
    }

    /** Writes the intent that names {@code successor}; a refusal if it cannot be written. */
    private Optional<SwitchoverPlan.Refused> name(Term term, String successor, Duration validFor, long deadline) {
        try {
            await(term.nameSuccessor(successor, validFor), deadline);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of(new SwitchoverPlan.Refused(503, "the switchover intent naming " + successor + " was not "
                    + "confirmed in time; this replica goes on leading (an intent written meanwhile expires in "
                    + Durations.text(validFor) + ")"));
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (Causes.find(cause, UnknownCandidateException.class).isPresent()) {
                return Optional.of(new SwitchoverPlan.Refused(409, cause.getMessage()));
            }
            if (Causes.find(cause, FencedWriteRejectedException.class).isPresent()) {
                return Optional.of(new SwitchoverPlan.Refused(409, "this replica no longer leads: "
                        + cause.getMessage()));
            }
            return Optional.of(new SwitchoverPlan.Refused(503, "cannot write the switchover intent: "
                    + cause.getMessage() + "; nothing changed"));
        }
    }

    /** A replica that does not serve as the leader: a standby points at the leader, the others say why not. */
    private HttpApi.Reply notServing(ReplicaState state) {
        if (state.phase() == ReplicaState.Phase.SWITCHING_OVER) {
            return refused(new SwitchoverPlan.Refused(409, "a switchover is under way already"));
        }
        if (state.phase() != ReplicaState.Phase.CAMPAIGNING) {
            return refused(new SwitchoverPlan.Refused(503, "this replica is not the leader: "
                    + Probes.evaluate(state, Probes.World.NONE).leader().reason()));
        }
        ElectionReader.ElectionView now = election.readFresh(Optional.empty());
        StatusCommand.CandidateView leader = now.leader();
        if (now.error() != null || leader == null || leader.advertiseUrl() == null
                || leader.id().equals(status.instanceId())) {
            String why = now.error() != null ? now.error() : leader == null ? "nobody leads"
                    : "the leader " + leader.id() + " advertises no HTTP API";
            return refused(new SwitchoverPlan.Refused(503, "this replica is a standby, and " + why
                    + "; nothing changed"));
        }
        String location = URI.create(leader.advertiseUrl()).resolve("/switchover").toString();
        return HttpApi.Reply.json(307, new Answer("redirect", "this replica is a standby: ask the leader " + leader.id()
                + " at " + location, null, null, null, leader.id())).withHeader("Location", location);
    }

    private static HttpApi.Reply refused(SwitchoverPlan.Refused refusal) {
        log.info("switchover refused: {}", refusal.reason());
        return HttpApi.Reply.json(refusal.status(), new Answer("refused", refusal.reason(), null, null, null, null));
    }

    /** Waits for {@code step} until {@code deadline} on the clock. */
    private void await(CompletableFuture<Void> step, long deadline) throws TimeoutException {
        try {
            clock.orTimeout(step.copy(), Duration.ofNanos(Math.max(0, deadline - clock.nanoTime()))).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TimeoutException timeout) {
                throw timeout;
            }
            throw e;
        }
    }
}
