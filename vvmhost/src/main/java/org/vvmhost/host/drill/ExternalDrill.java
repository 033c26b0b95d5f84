package org.vvmhost.host.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * A drill of a deployment the drill did not start (Kubernetes, Docker Compose, systemd): it finds the leader in the
 * election on etcd, runs the round's command template with the leader's host, pid and id, and watches the election
 * for the successor and the successor's HTTP API for its services. It cannot read the replicas' logs: the world data
 * lost is a lower bound (the last tick the leader's {@code /status} showed before the fault, less the tick its
 * successor restored), overlapping leaders are not judged, and etcd's history is audited without attributing writes
 * to writers. Whoever runs the replicas starts new ones; the drill waits for a standby before each round.
 */
final class ExternalDrill {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code /status} reads the election from etcd, bounded by 2 s; the probes answer at once. */
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(3);

    private final DrillSettings settings;
    private final DrillTarget.External target;
    private final Clock clock;
    private final PrintWriter out;
    private final Path logDir;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final List<DrillEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final CommandTemplates templates;
    private final PlannedSwitchover switchover;
    private CommandLoad load;

    ExternalDrill(DrillSettings settings, DrillTarget.External target, Clock clock, PrintWriter out, Path logDir) {
        this.settings = settings;
        this.target = target;
        this.clock = clock;
        this.out = out;
        this.logDir = logDir;
        this.random = new Random(settings.seed());
        this.templates = new CommandTemplates(logDir.resolve("drill-commands.log"), settings.timeout());
        this.switchover = new PlannedSwitchover(target.apiToken(), clock);
    }

    DrillRun run() throws InterruptedException {
        Instant start = clock.instant();
        try (Client client = EtcdLeaderships.client(target.etcd());
             ElectionWatch election = new ElectionWatch(client, target.etcd(), clock)) {
            ElectionStatus.Entry leader = awaitLeaderWithStandby(election);
            out.printf("election '%s' on etcd %s: %s leads (fencing token %s), %d waiting%n", settings.election(),
                    target.etcd().endpoints(), leader.id(), leader.fencingToken().orElseThrow(),
                    election.latest().map(status -> status.waiting().size()).orElse(0));
            ElectionStatus.Entry first = leader;
            if (settings.commandsPerSecond() > 0) {
                // The client sends to the APIs the candidates advertise, as a client of the deployment would.
                load = new CommandLoad(settings.commandsPerSecond(), settings.world().geometry(),
                        () -> advertised(election), clock);
                load.start();
            }
            List<String> problems = new ArrayList<>();
            AtomicReference<FencingToken> expected = new AtomicReference<>(first.fencingToken().orElseThrow());
            List<Round> rounds = Rounds.run(settings, random, out, (number, kind, last) -> {
                ElectionStatus.Entry current = number == 1 ? first : awaitLeaderWithStandby(election);
                // The leader must hold the term the last round left: anything else happened with no fault of ours.
                if (!current.fencingToken().orElseThrow().equals(expected.get())) {
                    problems.add("before round " + number + ": the term " + expected.get() + " ended with no fault "
                            + "of the drill's; " + current.id() + " (" + current.fencingToken().get() + ") leads now");
                }
                Round round = round(number, kind, current, election);
                expected.set(round.newToken().orElse(round.oldToken()));
                return round;
            });
            Optional<CommandLoad.Result> commands = load == null ? Optional.empty()
                    : Optional.of(load.stop(settings.timeout()));
            Instant end = clock.instant();
            EtcdHistory.Audit audit = EtcdHistory.audit(client, settings.election(), Optional.empty(),
                    settings.timeout());
            return new DrillRun(settings, start, end, rounds, audit, List.of(), false, DrillRun.Continuity.none(),
                    election.lanes(List.copyOf(events)), List.copyOf(events), Optional.of("etcd: "
                            + target.etcd().endpoints() + ", a deployment the drill did not start; the replicas' logs "
                            + "were not read, so overlapping leaders are not judged, the data lost is a lower bound "
                            + "and the world's continuity is not compared. The command templates' output is in "
                            + logDir.resolve("drill-commands.log").getFileName() + "."),
                    commands.map(result -> new DrillRun.Load(result, CommandAudit.audit(audit.journal(),
                            result.acks(), settings.catalog()))), problems);
        } finally {
            if (load != null) {
                load.close();
            }
        }
    }

    /** The API of each candidate in the election, as it advertises it. */
    private static List<URI> advertised(ElectionWatch election) {
        List<URI> apis = new ArrayList<>();
        election.latest().ifPresent(status -> {
            status.leader().ifPresent(entry -> add(apis, entry));
            status.waiting().forEach(entry -> add(apis, entry));
        });
        return apis;
    }

    private static void add(List<URI> apis, ElectionStatus.Entry entry) {
        if (!entry.advertiseUrl().isEmpty()) {
            apis.add(URI.create(entry.advertiseUrl()).resolve("/"));
        }
    }

    private Round round(int number, FaultKind kind, ElectionStatus.Entry leader, ElectionWatch election)
            throws InterruptedException {
        FencingToken oldToken = leader.fencingToken().orElseThrow();
        OptionalLong lastTick = worldTick(leader);
        List<String> roundProblems = new ArrayList<>();
        Instant faultAt;
        String detail = "";
        Optional<String> handedTo = Optional.empty();
        if (kind == FaultKind.SWITCHOVER) {
            ElectionStatus status = election.latest().orElseThrow();
            Optional<String> to = PlannedSwitchover.named(settings.plan(), number)
                    ? PlannedSwitchover.target(status).map(ElectionStatus.Entry::id) : Optional.empty();
            Optional<String> unready = switchover.awaitReady(status.waiting(), settings.timeout());
            faultAt = clock.instant();
            events.add(new DrillEvent(faultAt, leader.id(), to.map(id -> "switchover to " + id)
                    .orElse("switchover"), number));
            PlannedSwitchover.Answer answer = unready.isPresent()
                    ? new PlannedSwitchover.Answer(-1, "not asked: " + unready.get(), Optional.empty())
                    : switchover.request(leader, to);
            detail = "POST /switchover " + to.map(id -> "{\"to\": \"" + id + "\"}").orElse("(next in line)") + ": "
                    + answer.describe();
            if (!answer.accepted()) {
                roundProblems.add("the switchover was not made: " + answer.describe());
                return new Round(number, kind, detail, leader.id(), oldToken, Optional.empty(), Optional.empty(),
                        faultAt, clock.instant(), OptionalDouble.empty(), OptionalDouble.empty(),
                        OptionalDouble.empty(), 0, false, 0, 0, false, 0, 0, -1, 0, 0, Optional.empty(),
                        OptionalDouble.empty(), 0, unavailability(faultAt, roundProblems), roundProblems);
            }
            handedTo = answer.to().or(() -> to);
        } else {
            faultAt = run(kind.name(), target.templates().get(kind), leader, number, roundProblems);
        }
        ElectionStatus.Entry successor = awaitNewLeader(election, oldToken);
        if (handedTo.isPresent() && !handedTo.get().equals(successor.id())) {
            roundProblems.add("the leader handed over to " + handedTo.get() + ", but " + successor.id()
                    + " took over");
        }
        if (kind == FaultKind.SIGSTOP) {
            run("SIGCONT", target.resume().orElseThrow(), leader, number, roundProblems);
        } else if (kind == FaultKind.PARTITION) {
            run("heal", target.heal().orElseThrow(), leader, number, roundProblems);
        }
        Instant faultEndedAt = clock.instant();
        FencingToken newToken = successor.fencingToken().orElseThrow();
        Instant acquired = election.firstSeen(newToken).orElse(faultEndedAt);
        Optional<Instant> services = awaitLeaderProbe(successor);
        if (services.isEmpty()) {
            roundProblems.add(successor.id() + "'s /leader did not answer 200 within "
                    + Durations.text(settings.timeout()));
        }
        long restored = restoredTick(successor).orElse(-1);
        long oldTick = lastTick.orElse(-1);
        long lost = oldTick >= 0 && restored >= 0 ? Math.max(0, oldTick - restored) : 0;
        long bound = bound(kind);
        if (lost > bound) {
            roundProblems.add(kind + " lost at least " + lost + " ticks, more than " + bound + ": the old leader's "
                    + "/status showed tick " + oldTick + ", its successor restored tick " + restored);
        }
        if (newToken.compareTo(oldToken) <= 0) {
            roundProblems.add("the fencing token did not grow: " + oldToken + " then " + newToken);
        }
        return new Round(number, kind, detail, leader.id(), oldToken, Optional.of(successor.id()),
                Optional.of(newToken),
                faultAt, faultEndedAt, OptionalDouble.of(millis(faultAt, acquired)),
                OptionalDouble.of(millis(faultAt, services.orElse(acquired))), OptionalDouble.empty(), oldTick,
                true, oldTick, restored, false, lost, bound, -1, 0, 0, Optional.empty(), OptionalDouble.empty(), 0,
                unavailability(faultAt, roundProblems), roundProblems);
    }

    /** Under client load: what the client saw of the round, once it is served again; a problem if it is not. */
    private OptionalDouble unavailability(Instant faultAt, List<String> roundProblems) throws InterruptedException {
        return load == null ? OptionalDouble.empty() : load.unavailability(faultAt, settings.timeout(), roundProblems);
    }

    /**
     * The most a round may lose, in ticks. Without the logs the time a world view takes to write is unknown: the
     * bound allows one more backup interval for it.
     */
    private long bound(FaultKind kind) {
        long renew = (long) Math.ceil(settings.lease().renewDeadline().toMillis() * settings.tickRate() / 1000.0);
        return switch (kind.loss()) {
            case NONE -> 0;
            case CRASH -> 2L * settings.backupInterval() + 1;
            case LEASE -> 2L * settings.backupInterval() + renew + 1;
        };
    }

    /** Runs a template for {@code leader}; a command that fails is a problem of the round. */
    private Instant run(String label, String template, ElectionStatus.Entry leader, int round, List<String> problems)
            throws InterruptedException {
        Instant at = clock.instant();
        events.add(new DrillEvent(at, leader.id(), label, round));
        int exit = templates.run(template, leader);
        if (exit != 0) {
            problems.add("'" + template + "' for " + leader.id() + " exited with " + exit + "; see "
                    + logDir.resolve("drill-commands.log"));
        }
        return at;
    }

    private ElectionStatus.Entry awaitLeaderWithStandby(ElectionWatch election) throws InterruptedException {
        long deadline = clock.nanoTime() + settings.timeout().toNanos();
        while (clock.nanoTime() < deadline) {
            Optional<ElectionStatus> status = election.latest();
            if (status.isPresent() && status.get().leader().flatMap(ElectionStatus.Entry::fencingToken).isPresent()
                    && !status.get().waiting().isEmpty()) {
                return status.get().leader().get();
            }
            TimeUnit.MILLISECONDS.sleep(ElectionWatch.PERIOD.toMillis());
        }
        throw new DrillException("no leader with a standby behind it in the election '" + settings.election()
                + "' within " + Durations.text(settings.timeout()) + ": " + election.latest()
                .map(status -> status.leader().map(ElectionStatus.Entry::id).orElse("nobody") + " leads, "
                        + status.waiting().size() + " waiting").orElse("etcd did not answer"));
    }

    private ElectionStatus.Entry awaitNewLeader(ElectionWatch election, FencingToken after)
            throws InterruptedException {
        long deadline = clock.nanoTime() + settings.timeout().toNanos();
        while (clock.nanoTime() < deadline) {
            Optional<ElectionStatus.Entry> leader = election.leader();
            if (leader.isPresent() && leader.get().fencingToken().orElseThrow().compareTo(after) > 0) {
                return leader.get();
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new DrillException("no new leader in the election '" + settings.election() + "' within "
                + Durations.text(settings.timeout()) + " of the fault");
    }

    /** When the successor's {@code /leader} first answered 200: its services started. */
    private Optional<Instant> awaitLeaderProbe(ElectionStatus.Entry successor) throws InterruptedException {
        if (successor.advertiseUrl().isEmpty()) {
            return Optional.empty();
        }
        long deadline = clock.nanoTime() + settings.timeout().toNanos();
        while (clock.nanoTime() < deadline) {
            if (get(successor, "/leader").map(HttpResponse::statusCode).orElse(0) == 200) {
                return Optional.of(clock.instant());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return Optional.empty();
    }

    private OptionalLong worldTick(ElectionStatus.Entry replica) {
        return status(replica).map(status -> status.at("/world/tick")).filter(JsonNode::canConvertToLong)
                .map(tick -> OptionalLong.of(tick.asLong())).orElse(OptionalLong.empty());
    }

    /** The view the successor restored: its newest view while that is still the restored one. */
    private OptionalLong restoredTick(ElectionStatus.Entry successor) {
        return status(successor).map(status -> status.at("/world/backups/newest"))
                .filter(newest -> newest.path("restored").asBoolean(false))
                .map(newest -> OptionalLong.of(newest.path("tick").asLong()))
                .orElse(OptionalLong.empty());
    }

    private Optional<JsonNode> status(ElectionStatus.Entry replica) {
        return get(replica, "/status").filter(response -> response.statusCode() == 200).map(response -> {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                return null;
            }
        });
    }

    private Optional<HttpResponse<String>> get(ElectionStatus.Entry replica, String path) {
        if (replica.advertiseUrl().isEmpty()) {
            return Optional.empty();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(replica.advertiseUrl()).resolve(path))
                .timeout(HTTP_TIMEOUT).build();
        try {
            return Optional.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted asking " + request.uri(), e));
        }
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }
}
