package org.vvmhost.host;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vvmhost.services.world.service.BackupState;
import org.vvmhost.services.world.service.HotStandby;
import org.vvmhost.services.world.service.TickStats;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.time.Clock;

/**
 * The read-only endpoints. Each reads the replica's current snapshot and the world service's accessors, and never
 * waits on the tick loop or the VVM; only {@code /status} may wait, boundedly, for etcd.
 */
final class ApiRoutes {

    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPEN_METRICS = "application/openmetrics-text";

    private final ReplicaStatus status;
    private final ElectionReader election;
    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final String host;
    private final long pid;
    private final Instant startedAt;

    ApiRoutes(ReplicaStatus status, ElectionReader election, PrometheusMeterRegistry registry, Clock clock,
              String host) {
        this.status = status;
        this.election = election;
        this.registry = registry;
        this.clock = clock;
        this.host = host;
        this.pid = ProcessHandle.current().pid();
        this.startedAt = clock.instant();
    }

    List<HttpApi.Route> routes() {
        return List.of(
                HttpApi.Route.get("/livez", call -> probe(Probes::live)),
                HttpApi.Route.get("/readyz", call -> probe(Probes::ready)),
                HttpApi.Route.get("/leader", call -> probe(Probes::leader)),
                HttpApi.Route.get("/standby", call -> probe(Probes::standby)),
                HttpApi.Route.get("/status", call -> HttpApi.Reply.json(200, status())),
                HttpApi.Route.get("/history", call -> HttpApi.Reply.json(200, history())),
                HttpApi.Route.get("/metrics", call -> metrics(registry, call.header().apply("Accept"))));
    }

    /** The probes over the current snapshot. */
    Probes probes() {
        return Probes.evaluate(status.current(), world());
    }

    private HttpApi.Reply probe(java.util.function.Function<Probes, Probes.Verdict> which) {
        ReplicaState state = status.current();
        Probes.Verdict verdict = which.apply(Probes.evaluate(state, world()));
        return HttpApi.Reply.json(verdict.status(), new ProbeView(verdict.ok() ? "ok" : "unavailable",
                verdict.reason(), role(state), state.term().map(ReplicaState.Tenure::fencingToken).orElse(null)));
    }

    private Probes.World world() {
        Optional<String> held = status.held();
        return status.observed().map(o -> new Probes.World(o.world().backups(), o.world().tick(),
                o.preloader().map(ApiRoutes::preloaded), o.hot().map(HotStandby::warm), o.backupInterval(), held))
                .orElse(new Probes.World(Optional.empty(), -1, Optional.empty(), 1, held));
    }

    /**
     * A standby that holds a checked view can take over fast even while it reads a newer one (a takeover then reads
     * the store): readiness does not flap at every backup.
     */
    private static boolean preloaded(WorldViewPreloader preloader) {
        return preloader.caughtUp() || preloader.latest().isPresent();
    }

    /** The registry in Prometheus' text format, or OpenMetrics when the scraper asks for it. */
    static HttpApi.Reply metrics(PrometheusMeterRegistry registry, String accept) {
        String type = accept != null && accept.contains(OPEN_METRICS) ? OPEN_METRICS : TEXT_FORMAT;
        String contentType = type.equals(OPEN_METRICS) ? OPEN_METRICS + "; version=1.0.0; charset=utf-8" : type;
        return HttpApi.Reply.text(200, contentType, registry.scrape(contentType));
    }

    StatusView status() {
        ReplicaState state = status.current();
        Probes probes = Probes.evaluate(state, world());
        String url = status.advertiseUrl().map(URI::toString).orElse(null);
        Optional<StatusCommand.CandidateView> self = state.term().map(term -> new StatusCommand.CandidateView(
                status.instanceId(), host, pid, startedAt.toString(), term.from().toString(), null, null, null,
                term.leaderKey(), url));
        ReplicaView replica = new ReplicaView(status.instanceId(), role(state), state.phase().name().toLowerCase(
                Locale.ROOT), state.since().toString(), url, host, pid, state.term().map(ApiRoutes::term).orElse(null),
                state.problem().orElse(null), state.stopReason().orElse(null), verdicts(probes));
        return new StatusView(replica, election.read(self), status.observed().map(o -> world(o.world(),
                o.backupInterval())).orElse(null), status.observed().flatMap(Observed::preloader)
                .map(ApiRoutes::storedWorld).orElse(null));
    }

    private static Map<String, Probes.Verdict> verdicts(Probes probes) {
        Map<String, Probes.Verdict> verdicts = new LinkedHashMap<>();
        verdicts.put("livez", probes.live());
        verdicts.put("readyz", probes.ready());
        verdicts.put("leader", probes.leader());
        verdicts.put("standby", probes.standby());
        return verdicts;
    }

    private WorldView world(WorldSimulationService world, int backupInterval) {
        long tick = world.tick();
        if (tick < 0) {
            return null;
        }
        TickStats stats = world.tickStats();
        Optional<BackupState> backups = world.backups();
        ProgressView progress = world.progress().map(p -> new ProgressView(p.tick(), p.hexHash(), p.population()))
                .orElse(null);
        BackupView view = backups.map(b -> backup(b, tick, backupInterval)).orElse(null);
        return new WorldView(tick, progress, new TickTimeView(stats.ticks(), millis(stats.p50()),
                millis(stats.p99()), millis(stats.max()), stats.lateTicks()), view);
    }

    private BackupView backup(BackupState backups, long tick, int interval) {
        Optional<String> problem = Probes.backupProblem(new Probes.World(Optional.of(backups), tick,
                Optional.empty(), interval));
        SavedView newest = backups.newest().map(saved -> new SavedView(saved.header().tick(),
                String.format("%016x", saved.header().worldHash()), saved.bytes(), millis(saved.writeTime()),
                saved.restored())).orElse(null);
        FailureView failure = backups.lastFailure().map(f -> new FailureView(f.tick(), f.reason(), f.message(),
                (clock.nanoTime() - f.atNanos()) / 1e9)).orElse(null);
        return new BackupView(problem.isEmpty(), problem.orElse(null), interval, backups.sinceTick(),
                tick - backups.sinceTick(), (clock.nanoTime() - backups.sinceNanos()) / 1e9, newest, failure,
                backups.recovery().orElse(null));
    }

    /** What a standby last read of the stored world; null before its first read. */
    private static StoredWorldView storedWorld(WorldViewPreloader preloader) {
        WorldViewPreloader.StoredWorld stored = preloader.stored();
        if (!stored.read()) {
            return null;
        }
        return new StoredWorldView(stored.newest().map(header -> new ProgressView(header.tick(),
                String.format("%016x", header.worldHash()), header.population())).orElse(null),
                preloader.latest().map(view -> view.tick()).orElse(null), stored.damage().orElse(null),
                stored.rejected());
    }

    List<TermView> history() {
        return status.current().history().stream().map(ApiRoutes::term).toList();
    }

    private static TermView term(ReplicaState.Tenure tenure) {
        return new TermView(tenure.fencingToken(), tenure.leaderId(), tenure.leaderKey(), tenure.from().toString(),
                tenure.servicesStarted().map(Instant::toString).orElse(null),
                tenure.to().map(Instant::toString).orElse(null), tenure.end().orElse("leading"));
    }

    static String role(ReplicaState state) {
        switch (state.phase()) {
            case CAMPAIGNING:
                return "standby";
            case ACQUIRED:
            case SERVING:
            case SWITCHING_OVER:
                return "leader";
            default:
                return state.phase().name().toLowerCase(Locale.ROOT);
        }
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    /** What a probe answers: {@code status} is {@code ok} with 200, {@code unavailable} with 503. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProbeView(String status, String reason, String role, String fencingToken) {
    }

    /**
     * {@code storedWorld} is what a standby last read of the store (null on a replica that preloads nothing, or
     * before its first read).
     */
    record StatusView(ReplicaView replica, ElectionReader.ElectionView election, WorldView world,
                      StoredWorldView storedWorld) {
    }

    /**
     * The stored world as a standby read it: the newest intact view ({@code null} when none is stored), the tick of
     * the copy it holds (it keeps it when the store loses it), why the manifest was unusable, and the views passed
     * over.
     */
    record StoredWorldView(ProgressView newest, Long heldTick, String manifestDamage, List<String> unusable) {
    }

    record ReplicaView(String id, String role, String phase, String since, String advertiseUrl, String host,
                       long pid, TermView term, String problem, String stopReason, Map<String, Probes.Verdict> probes) {
    }

    /** One term; {@code to} and {@code servicesStarted} are null while unknown, {@code end} is {@code leading}. */
    record TermView(String fencingToken, String leaderId, String leaderKey, String from, String servicesStarted,
                    String to, String end) {
    }

    record WorldView(long tick, ProgressView progress, TickTimeView tickTime, BackupView backups) {
    }

    record ProgressView(long tick, String hash, long population) {
    }

    record TickTimeView(long ticks, double p50Millis, double p99Millis, double maxMillis, long lateTicks) {
    }

    /**
     * The backups: {@code ageTicks} and {@code ageSeconds} are what a crash now would lose, since the newest view
     * (or the start of a fresh world); {@code recovery} says how this term found the store damaged or empty when it
     * restored the world, and what it did (null when the manifest named the view it restored).
     */
    record BackupView(boolean healthy, String problem, int intervalTicks, long sinceTick, long ageTicks,
                      double ageSeconds, SavedView newest, FailureView lastFailure, String recovery) {
    }

    record SavedView(long tick, String hash, long bytes, double writeMillis, boolean restored) {
    }

    record FailureView(long tick, String reason, String message, double secondsAgo) {
    }
}
