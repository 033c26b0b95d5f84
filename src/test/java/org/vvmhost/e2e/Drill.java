package org.vvmhost.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.vvmhost.leadership.FencingToken;

/**
 * A failover drill: {@code replicas} {@code vvmhost run} processes (the image's command line) against one etcd, and
 * {@code rounds} failovers, alternating SIGTERM and SIGKILL of the current leader; the signalled replica is replaced
 * by a new one, so that the same number always runs. Each round measures the failover time, the ticks of world data
 * lost and the refused writes of the deposed leader; at the end etcd's own revision history is audited for writes
 * made while their writer did not lead ({@link EtcdHistory}). An uninterrupted reference replica, on the embedded
 * default, runs the same world beside them: the world is deterministic, so every tick the leaders logged must have the
 * reference's hash. {@link FailoverDrill} runs it from a {@code main}, {@code FailoverDrillIT} from JUnit.
 */
final class Drill {

    /**
     * How a round removes the leader: a graceful stop, a crash, or a pause (SIGSTOP until the successor leads, then
     * SIGCONT), after which the old leader runs on for a moment believing it leads, as after a long GC pause or a
     * frozen VM: its writes must be refused.
     */
    enum Kind {
        SIGTERM, SIGKILL, SIGSTOP
    }

    /**
     * @param dwell  how long a new leader runs before the next round's signal; each round adds a random part of up to
     *               one backup interval (from {@code seed}), so that a crash lands anywhere between two backups
     * @param budget the most any one awaited event may take; the drill fails if it does not happen by then
     */
    record Settings(String election, int replicas, int rounds, List<Kind> kinds, Duration leaseTtl, int entities,
            int tickRate, int backupInterval, Duration dwell, Duration budget, boolean reference, long seed) {
        Settings {
            Objects.requireNonNull(election, "election");
            kinds = List.copyOf(kinds);
            require(!kinds.isEmpty(), "name at least one kind of round");
            require(replicas >= 2, "replicas must be at least 2 (a leader and a standby), got " + replicas);
            require(rounds >= 1, "rounds must be at least 1, got " + rounds);
            require(leaseTtl.toSeconds() >= 2 && leaseTtl.toMillis() % 1000 == 0,
                    "the lease TTL must be whole seconds, at least 2s (etcd's minimum), got " + leaseTtl);
            require(entities >= 1, "entities must be at least 1, got " + entities);
            require(tickRate >= 1, "the tick rate must be at least 1 Hz, got " + tickRate);
            require(backupInterval >= 1, "the backup interval must be at least 1 tick, got " + backupInterval);
            require(!dwell.isNegative(), "the dwell must not be negative, got " + dwell);
            require(budget.compareTo(Duration.ZERO) > 0, "the budget must be positive, got " + budget);
        }

        /** The kinds in turn: round 1 is the first. */
        Kind kind(int round) {
            return kinds.get((round - 1) % kinds.size());
        }

        List<String> worldArgs() {
            return List.of("--world-entities", Integer.toString(entities),
                    "--world-set", "world.backup-interval=" + backupInterval,
                    "--world-tick-rate", Integer.toString(tickRate));
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * One round. Ticks: {@code oldTick} is the last tick the old leader completed (after SIGKILL estimated from its
     * last progress line and the tick rate: {@code oldTickLogged} is the highest it logged), {@code restoredTick} the
     * tick the successor restored, {@code lost} their difference, {@code bound} the most a round of its kind may
     * lose, {@code lastSaved} the newest view the old leader had confirmed as saved.
     */
    record Round(int number, Kind kind, String oldReplica, Optional<FencingToken> oldToken, String newReplica,
            Optional<FencingToken> newToken,
            double failoverMillis, double servicesMillis, long oldTick, long oldTickLogged, long restoredTick,
            boolean preloaded, long lost, long bound, long lastSaved, long refusedWrites, long refusedByEtcd,
            int oldExitCode,
            int commonTicks, List<String> problems) {
        Round {
            problems = List.copyOf(problems);
        }
    }

    private final ImageCommand image;
    private final URI etcd;
    private final Settings settings;
    private final PrintStream out;
    private final Path logDir;
    private final Random random;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<Replica> everyReplica = new ArrayList<>();
    private int started;

    private Drill(ImageCommand image, URI etcd, Settings settings, PrintStream out) {
        this.image = image;
        this.etcd = etcd;
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed());
        try {
            this.logDir = Files.createTempDirectory("vvm-drill-logs-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the replicas' logs", e);
        }
    }

    /** Runs the drill against the etcd at {@code etcd}, printing progress to {@code out}, and returns its report. */
    static DrillReport run(ImageCommand image, URI etcd, Settings settings, PrintStream out)
            throws InterruptedException {
        return new Drill(image, etcd, settings, out).run();
    }

    private DrillReport run() throws InterruptedException {
        Replica reference = null;
        try {
            if (settings.reference()) {
                reference = start("reference", referenceArgs());
                await(reference, "the reference's first tick", log -> log.simulationStarted());
            }
            for (int i = 0; i < settings.replicas(); i++) {
                replicas.add(startReplica());
            }
            Replica leader = awaitNewLeader(Set.of(), System.nanoTime());
            await(leader, "services started", log -> log.servicesStartedNanos().isPresent());
            for (Replica replica : replicas) {
                if (replica != leader) {
                    await(replica, "waiting in the election", log -> log.waitingNanos().isPresent());
                }
            }
            out.printf("%s leads; %d replicas, lease TTL %ds; logs in %s%n", leader.name, replicas.size(),
                    settings.leaseTtl().toSeconds(), logDir);
            List<Round> rounds = new ArrayList<>();
            for (int number = 1; number <= settings.rounds(); number++) {
                int backupMillis = (int) (1000L * settings.backupInterval() / settings.tickRate());
                long jitter = random.nextInt(Math.max(1, backupMillis));
                TimeUnit.MILLISECONDS.sleep(settings.dwell().toMillis() + jitter);
                Round round = failover(number, leader);
                rounds.add(round);
                out.println(DrillReport.row(round));
                leader = replicas.stream().filter(r -> r.name.equals(round.newReplica())).findFirst().orElseThrow();
                if (number < settings.rounds()) {
                    Replica fresh = startReplica();
                    replicas.add(fresh);
                    await(fresh, "waiting in the election", log -> log.waitingNanos().isPresent());
                }
            }
            stopAll(leader);
            if (reference != null) {
                reference.process.sigterm();
                reference.process.awaitExit(settings.budget());
            }
            EtcdHistory.Audit audit = EtcdHistory.audit(etcd, settings.election(), claims(), settings.budget());
            return new DrillReport(settings, rounds, audit, leaderOverlaps(), continuity(reference));
        } finally {
            for (Replica replica : everyReplica) {
                replica.process.close();
                replica.saveLog(logDir);
            }
        }
    }

    /** Signals {@code leader} and measures the takeover. */
    private Round failover(int number, Replica leader) throws InterruptedException {
        Kind kind = settings.kind(number);
        Set<Replica> ledBefore = new HashSet<>();
        for (Replica replica : replicas) {
            if (replica.log().acquiredNanos().isPresent()) {
                ledBefore.add(replica);
            }
        }
        long signalled = System.nanoTime();
        leader.signalledNanos = signalled;
        switch (kind) {
            case SIGTERM -> leader.process.sigterm();
            case SIGKILL -> {
                leader.killed = true;
                leader.process.kill();
            }
            case SIGSTOP -> {
                leader.paused = true;
                signal(leader, "STOP");
            }
        }
        Replica successor = awaitNewLeader(ledBefore, signalled);
        if (kind == Kind.SIGSTOP) {
            signal(leader, "CONT");
        }
        await(successor, "services started on the successor", log -> log.servicesStartedNanos().isPresent());
        Optional<Integer> exit = leader.process.awaitExit(settings.budget());
        replicas.remove(leader);

        ReplicaLog old = leader.log();
        ReplicaLog next = successor.log();
        List<String> problems = new ArrayList<>();
        long acquired = next.acquiredNanos().orElseThrow();
        // A paused leader may tick on after SIGCONT, deposed: only what it did before the pause can count.
        long oldTickLogged = old.lastLoggedTick(kind == Kind.SIGSTOP ? signalled : Long.MAX_VALUE).orElse(-1);
        long oldTick = kind == Kind.SIGTERM ? oldTickLogged
                : old.tickAt(signalled, settings.tickRate()).orElse(oldTickLogged);
        Optional<ReplicaLog.TickHash> restored = next.restored();
        if (restored.isEmpty()) {
            problems.add(successor.name + " restored no world view" + (next.startedFresh()
                    ? ": it spawned a fresh world" : ""));
        }
        long restoredTick = restored.map(ReplicaLog.TickHash::tick).orElse(0L);
        boolean preloaded = next.restoredPreloaded();
        long lost = oldTick - restoredTick;
        long lastSaved = old.saves().stream().filter(save -> save.nanos() < signalled)
                .mapToLong(ReplicaLog.Save::tick).max().orElse(-1);
        long slowestSave = old.saves().stream().mapToLong(ReplicaLog.Save::millis).max().orElse(0);
        if (kind == Kind.SIGSTOP && old.saves().stream().anyMatch(save -> save.nanos() > signalled)) {
            problems.add(leader.name + " logged a saved world view after it was paused and deposed");
        }
        // A crash or pause may land while a view is being written: the interval plus that write (and a tick of
        // estimate).
        long bound = kind == Kind.SIGTERM ? 0
                : settings.backupInterval() + (long) Math.ceil(slowestSave * settings.tickRate() / 1000.0) + 1;
        if (kind == Kind.SIGTERM) {
            if (lost != 0) {
                problems.add("SIGTERM lost " + lost + " ticks: the old leader reached tick " + oldTick
                        + ", its successor restored tick " + restoredTick);
            }
            if (exit.isEmpty() || exit.get() != 0) {
                problems.add(leader.name + " did not exit 0 after SIGTERM: " + exit.map(String::valueOf)
                        .orElse("still running"));
            }
        } else {
            if (kind == Kind.SIGSTOP && exit.orElse(-1) != 4) {
                problems.add(leader.name + " did not exit with 4 (leadership lost) after its pause: "
                        + exit.map(String::valueOf).orElse("still running"));
            }
            if (restoredTick < lastSaved) {
                problems.add("the successor restored tick " + restoredTick + ", older than the view of tick "
                        + lastSaved + " that the old leader had saved");
            }
            if (lost > bound) {
                problems.add("SIGKILL lost " + lost + " ticks, more than " + bound);
            }
        }
        // A paused leader does nothing from the pause on; what it tries after SIGCONT is for the fence to refuse.
        OptionalLong oldEnd = kind == Kind.SIGTERM ? old.simulationStoppedNanos() : OptionalLong.of(signalled);
        if (oldEnd.isEmpty() || oldEnd.getAsLong() > acquired) {
            problems.add(successor.name + " acquired leadership before " + leader.name + " had stopped its services");
        }
        Optional<FencingToken> oldToken = old.fencingToken();
        Optional<FencingToken> newToken = next.fencingToken();
        if (oldToken.isEmpty() || newToken.isEmpty() || newToken.get().compareTo(oldToken.get()) <= 0) {
            problems.add("the fencing token did not grow: " + oldToken.map(Object::toString).orElse("none") + " then "
                    + newToken.map(Object::toString).orElse("none"));
        }
        int common = 0;
        for (ReplicaLog.TickHash before : old.simulated()) {
            for (ReplicaLog.TickHash after : next.simulated()) {
                if (before.tick() == after.tick()) {
                    common++;
                    if (!before.hash().equals(after.hash())) {
                        problems.add("tick " + before.tick() + ": hash " + before.hash() + " on " + leader.name
                                + " but " + after.hash() + " on " + successor.name);
                    }
                }
            }
        }
        return new Round(number, kind, leader.name, oldToken, successor.name, newToken,
                (acquired - signalled) / 1e6, (next.servicesStartedNanos().orElse(acquired) - signalled) / 1e6,
                oldTick, oldTickLogged, restoredTick, preloaded, lost, bound, lastSaved, old.fencedRefusals(),
                old.refusalsByEtcd(), exit.orElse(-1), common, problems);
    }

    private static void signal(Replica replica, String signal) throws InterruptedException {
        try {
            replica.process.signal(signal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal + " to " + replica.name, e);
        }
    }

    /** The replica, other than those in {@code ledBefore}, that logs {@code leadership acquired} first. */
    private Replica awaitNewLeader(Set<Replica> ledBefore, long since) throws InterruptedException {
        long deadline = System.nanoTime() + settings.budget().toNanos();
        while (System.nanoTime() < deadline) {
            Replica first = null;
            long firstNanos = Long.MAX_VALUE;
            for (Replica replica : replicas) {
                OptionalLong acquired = replica.log().acquiredNanos();
                if (!ledBefore.contains(replica) && acquired.isPresent() && acquired.getAsLong() < firstNanos) {
                    first = replica;
                    firstNanos = acquired.getAsLong();
                }
            }
            if (first != null) {
                return first;
            }
            // Only how often we look: the time measured is when the line arrived.
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new IllegalStateException("no replica acquired leadership within " + settings.budget() + " of "
                + (System.nanoTime() - since) / 1_000_000 + " ms ago" + tails());
    }

    private void await(Replica replica, String what, Predicate<ReplicaLog> done) throws InterruptedException {
        long deadline = System.nanoTime() + settings.budget().toNanos();
        while (!done.test(replica.log())) {
            if (System.nanoTime() > deadline || !replica.process.isAlive() && !done.test(replica.log())) {
                throw new IllegalStateException("no " + what + " from " + replica.name + " within "
                        + settings.budget() + (replica.process.isAlive() ? "" : " (it exited)") + ":\n"
                        + replica.process.output());
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** Stops the standbys first, so that nobody takes over, then the leader. */
    private void stopAll(Replica leader) throws InterruptedException {
        for (Replica replica : replicas) {
            if (replica != leader) {
                replica.process.sigterm();
            }
        }
        for (Replica replica : replicas) {
            if (replica != leader) {
                replica.process.awaitExit(settings.budget());
            }
        }
        leader.signalledNanos = System.nanoTime();
        leader.process.sigterm();
        leader.process.awaitExit(settings.budget());
    }

    private List<EtcdHistory.Claim> claims() {
        List<EtcdHistory.Claim> claims = new ArrayList<>();
        for (Replica replica : everyReplica) {
            ReplicaLog log = replica.log();
            if (log.fencingToken().isPresent() && !replica.name.equals("reference")) {
                Set<Long> saved = new HashSet<>();
                log.saves().forEach(save -> saved.add(save.tick()));
                claims.add(new EtcdHistory.Claim(replica.name, log.fencingToken().get(), saved,
                        log.failedSaves(), replica.killed));
            }
        }
        return claims;
    }

    /** Terms that overlap in time, in the logs: from {@code leadership acquired} to the signal or the services' stop. */
    private List<String> leaderOverlaps() {
        record Term(String replica, long from, long to) {
        }
        List<Term> terms = new ArrayList<>();
        for (Replica replica : everyReplica) {
            ReplicaLog log = replica.log();
            if (replica.name.equals("reference") || log.acquiredNanos().isEmpty()) {
                continue;
            }
            long to = replica.killed || replica.paused ? replica.signalledNanos
                    : log.simulationStoppedNanos().orElse(Long.MAX_VALUE);
            terms.add(new Term(replica.name, log.acquiredNanos().getAsLong(), to));
        }
        terms.sort(java.util.Comparator.comparingLong(Term::from));
        List<String> overlaps = new ArrayList<>();
        for (int i = 1; i < terms.size(); i++) {
            if (terms.get(i).from() < terms.get(i - 1).to()) {
                overlaps.add(terms.get(i).replica() + " acquired leadership while " + terms.get(i - 1).replica()
                        + " still led");
            }
        }
        return overlaps;
    }

    /** Every tick a drill replica logged (simulated or restored) against the reference's hash at that tick. */
    private DrillReport.Continuity continuity(Replica reference) {
        if (reference == null) {
            return new DrillReport.Continuity(false, 0, List.of());
        }
        java.util.Map<Long, String> expected = new java.util.HashMap<>();
        reference.log().simulated().forEach(tick -> expected.put(tick.tick(), tick.hash()));
        int compared = 0;
        List<String> mismatches = new ArrayList<>();
        for (Replica replica : everyReplica) {
            if (replica == reference) {
                continue;
            }
            ReplicaLog log = replica.log();
            List<ReplicaLog.TickHash> ticks = new ArrayList<>(log.simulated());
            log.restored().ifPresent(ticks::add);
            for (ReplicaLog.TickHash tick : ticks) {
                String hash = expected.get(tick.tick());
                if (hash != null) {
                    compared++;
                    if (!hash.equals(tick.hash())) {
                        mismatches.add("tick " + tick.tick() + ": " + replica.name + " has hash " + tick.hash()
                                + ", the uninterrupted reference " + hash);
                    }
                }
            }
        }
        return new DrillReport.Continuity(true, compared, mismatches);
    }

    private Replica start(String name, List<String> args) {
        Replica replica = new Replica(name, HostProcess.start(image, args));
        everyReplica.add(replica);
        return replica;
    }

    /** A new replica, named r1, r2, … in the order they start. */
    private Replica startReplica() {
        String name = "r" + (++started);
        // The audit reads etcd's whole history afterwards: the leaders must not compact it meanwhile.
        List<String> args = new ArrayList<>(List.of("run", "--etcd-endpoints", etcd.toString(),
                "--election", settings.election(), "--instance-id", settings.election() + "-" + name,
                "--lease-ttl", settings.leaseTtl().toSeconds() + "s", "--etcd-compaction-retention", "24h"));
        args.addAll(settings.worldArgs());
        return start(name, args);
    }

    private List<String> referenceArgs() {
        List<String> args = new ArrayList<>(List.of("run", "--instance-id", settings.election() + "-reference"));
        args.addAll(settings.worldArgs());
        return args;
    }

    private String tails() {
        StringBuilder text = new StringBuilder();
        for (Replica replica : replicas) {
            List<String> lines = replica.process.lines();
            text.append("\n--- ").append(replica.name).append(" (last lines) ---\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        return text.toString();
    }

    /** One replica process and what the drill did to it. */
    private static final class Replica {
        final String name;
        final HostProcess process;
        volatile boolean killed;
        volatile boolean paused;
        volatile long signalledNanos;

        Replica(String name, HostProcess process) {
            this.name = name;
            this.process = process;
        }

        ReplicaLog log() {
            return ReplicaLog.of(process.timedLines());
        }

        void saveLog(Path dir) {
            try {
                Files.writeString(dir.resolve(name + ".log"), process.output() + System.lineSeparator());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the log of " + name, e);
            }
        }
    }
}
