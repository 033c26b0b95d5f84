package org.vvmhost.host.drill;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.journal.JournalException;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * A drill of replicas it runs itself: a 3-member etcd cluster on loopback, {@code replicas} {@code vvmhost run}
 * processes, each reaching etcd through its own {@link EtcdProxy}, and beside them an uninterrupted reference replica
 * on the embedded default that runs the same world. Each round faults the leader or etcd, or asks the leader for a
 * planned switchover, waits for the outcome and measures it from the replicas' logs; a replica that exited is replaced
 * by a new one, so that the same number always runs. At the end it stops every replica and audits etcd's own history.
 */
final class LocalDrill {

    private static final String REFERENCE = "reference";
    /** The labels of a partition's start and end on the timeline. */
    static final String PARTITION = "partition";
    static final String HEAL = "heal";

    private final DrillSettings settings;
    private final DrillTarget.Local target;
    private final Clock clock;
    private final PrintWriter out;
    private final Path workDir;
    private final Path logDir;
    private final Random random;
    /** Read by the client's threads as well. */
    private final List<Replica> running = new CopyOnWriteArrayList<>();
    private final List<Replica> every = new ArrayList<>();
    private final List<DrillEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = new ArrayList<>();
    private final PlannedSwitchover switchover;
    private LocalEtcdCluster etcd;
    private CommandLoad load;
    private int started;
    /** Who leads between two rounds. */
    private Leading leading;

    LocalDrill(DrillSettings settings, DrillTarget.Local target, Clock clock, PrintWriter out, Path workDir,
            Path logDir) {
        this.settings = settings;
        this.target = target;
        this.clock = clock;
        this.out = out;
        this.workDir = workDir;
        this.logDir = logDir;
        this.random = new Random(settings.seed());
        this.switchover = new PlannedSwitchover(Optional.empty(), clock);
    }

    DrillRun run() throws InterruptedException {
        Instant start = clock.instant();
        Replica reference = null;
        try {
            etcd = LocalEtcdCluster.start(target.etcdBinary(), workDir, logDir, clock, settings.timeout());
            out.printf("etcd: %d members on loopback (%s), heartbeat 50 ms, election timeout 500 ms; logs in %s%n",
                    LocalEtcdCluster.SIZE, etcd.endpoints().stream().map(URI::toString)
                            .collect(Collectors.joining(", ")), Drills.shown(logDir));
            out.flush();
            // Under client load the reference is the world replayed from the journal, not a replica without commands.
            if (settings.reference() && settings.commandsPerSecond() == 0) {
                reference = startReference();
            }
            for (int i = 0; i < settings.replicas(); i++) {
                running.add(startReplica());
            }
            List<String> notes = new ArrayList<>();
            leading = awaitServing(awaitNewTerm(Optional.empty()), notes);
            notes.forEach(out::println);
            awaitStandbys(leading);
            out.printf("%s leads (fencing token %s); %d replicas, lease TTL %s, renew deadline %s%s%n",
                    leading.replica().name, leading.token(), running.size(), Durations.text(settings.lease().ttl()),
                    Durations.text(settings.lease().renewDeadline()), startLoad());
            List<Round> rounds = Rounds.run(settings, random, out, (number, kind, last) -> {
                leading = leaderNow(number);
                Round round = kind == FaultKind.SWITCHOVER ? switchoverRound(number, leading)
                        : round(number, kind, leading);
                replaceExited();
                if (!last) {
                    awaitStandbys(leading);
                }
                return round;
            });
            Optional<CommandLoad.Result> client = load == null ? Optional.empty()
                    : Optional.of(load.stop(settings.timeout()));
            stopAll(leading.replica());
            if (reference != null) {
                reference.process.signal(Signal.TERM);
                reference.process.awaitExit(settings.timeout());
            }
            Instant end = clock.instant();
            EtcdHistory.Audit audit = EtcdHistory.audit(etcd.client(), settings.election(), Optional.of(claims()),
                    settings.timeout());
            Optional<DrillRun.Load> commands = client.map(result -> new DrillRun.Load(result,
                    CommandAudit.audit(audit.journal(), result.acks(), settings.catalog())));
            DrillRun.Continuity continuity = commands.isPresent() ? replayed(commands.get().audit())
                    : continuity(reference);
            return new DrillRun(settings, start, end, rounds, audit, overlaps(end), true, continuity, lanes(end),
                    List.copyOf(events), Optional.of(etcdNotes()), commands, problems);
        } finally {
            close();
        }
    }

    private String etcdNotes() {
        return "etcd ran as " + LocalEtcdCluster.SIZE + " members on loopback with " + String.join(" ",
                LocalEtcdCluster.RAFT_TIMING) + " (ms): etcd renews no lease while it elects a Raft leader, which "
                + "takes up to twice the election timeout, and its default of 1000 ms could outlast a renew deadline "
                + "of " + Durations.text(settings.lease().renewDeadline()) + ". Each replica reached etcd through its "
                + "own loopback proxy, which a PARTITION round cuts.";
    }

    /** One round: the fault, its outcome, and what the logs say it cost. */
    private Round round(int number, FaultKind kind, Leading leader) throws InterruptedException {
        Replica old = leader.replica();
        Optional<Leading> successor = Optional.empty();
        Instant faultAt;
        String detail = "";
        switch (kind) {
            case SIGTERM -> faultAt = signal(old, Signal.TERM, number);
            case SIGKILL -> {
                faultAt = signal(old, Signal.KILL, number);
                old.killedAt = faultAt;
            }
            case SIGSTOP -> {
                faultAt = signal(old, Signal.STOP, number);
                old.frozenAt = faultAt;
                successor = Optional.of(awaitNewTerm(Optional.of(leader.token())));
                old.resumedAt = signal(old, Signal.CONT, number);
            }
            case PARTITION -> {
                old.proxy.cut();
                faultAt = event(old.name, PARTITION, number);
                successor = Optional.of(awaitNewTerm(Optional.of(leader.token())));
                awaitExit(old, number);
                old.proxy.heal();
                event(old.name, HEAL, number);
            }
            case ETCD_MEMBER_KILL, ETCD_MEMBER_PAUSE -> {
                MemberFault fault = faultRaftLeader(number, kind == FaultKind.ETCD_MEMBER_KILL);
                faultAt = fault.at();
                detail = fault.detail();
            }
            case ETCD_QUORUM_LOSS -> {
                int member = etcd.awaitRaftLeader();
                int other = (member + 1) % LocalEtcdCluster.SIZE;
                etcd.pause(member);
                etcd.pause(other);
                String names = etcd.memberName(member) + " and " + etcd.memberName(other);
                faultAt = event(DrillEvent.ETCD_LANE, "freeze " + names, number);
                detail = names + " frozen for " + Durations.text(settings.faultDuration()) + ": no quorum";
                TimeUnit.MILLISECONDS.sleep(settings.faultDuration().toMillis());
                etcd.resume(member);
                etcd.resume(other);
                event(DrillEvent.ETCD_LANE, "quorum back", number);
            }
            case ETCD_RESTART -> {
                faultAt = event(DrillEvent.ETCD_LANE, "restart all", number);
                etcd.restartAll();
                event(DrillEvent.ETCD_LANE, "etcd back", number);
                detail = "every member stopped and started again on its data";
            }
            default -> throw new IllegalStateException("no local fault for " + kind);
        }
        Instant faultEndedAt = clock.instant();
        long faultEnded = clock.nanoTime();
        if (successor.isEmpty()) {
            successor = kind.leaderMustChange() ? Optional.of(awaitNewTerm(Optional.of(leader.token())))
                    : awaitNewTermOrKept(leader);
        }
        List<String> notes = new ArrayList<>();
        if (successor.isPresent()) {
            successor = Optional.of(awaitServing(successor.get(), notes));
            if (old.process.isAlive()) {
                awaitExit(old, number);
            }
        }
        leading = successor.orElse(leader);
        if (kind.etcdFault()) {
            leading = outlastAftermath(number, leading, faultEnded, notes);
        }
        notes.add(0, detail);
        return measure(number, kind, String.join("; ", notes.stream().filter(note -> !note.isEmpty()).toList()),
                leader, successor, faultAt, faultEndedAt, new ArrayList<>());
    }

    /**
     * A planned switchover through the leader's API, to the standby last in line or to the next in line: no process
     * stops, and the old leader stands by again. Refused, the leader keeps its term and the round has a problem.
     */
    private Round switchoverRound(int number, Leading leader) throws InterruptedException {
        Replica old = leader.replica();
        ElectionStatus election = EtcdLeaderships.status(etcd.client(), EtcdSettings.of(etcd.endpoints().stream()
                .map(URI::toString).collect(Collectors.joining(",")), settings.election(), settings.lease()),
                settings.timeout());
        boolean named = PlannedSwitchover.named(settings.plan(), number);
        Optional<ElectionStatus.Entry> target = named ? PlannedSwitchover.target(election) : Optional.empty();
        Optional<String> to = target.map(ElectionStatus.Entry::id);
        List<String> roundProblems = new ArrayList<>();
        Optional<String> unready = switchover.awaitReady(election.waiting(), settings.timeout());
        unready.ifPresent(roundProblems::add);
        ElectionStatus.Entry leaderEntry = election.leader().orElseThrow(() -> new DrillException("round " + number
                + ": etcd shows no leader, but " + old.name + " leads by its log"));
        Instant faultAt = event(old.name, to.map(id -> "switchover to " + name(id)).orElse("switchover"), number);
        PlannedSwitchover.Answer answer = unready.isPresent()
                ? new PlannedSwitchover.Answer(-1, "not asked: a standby was not ready", Optional.empty())
                : switchover.request(leaderEntry, to);
        Instant faultEndedAt = clock.instant();
        String detail = "POST /switchover " + to.map(id -> "{\"to\": \"" + id + "\"}").orElse("(next in line)")
                + ": " + answer.describe();
        if (!answer.accepted()) {
            if (unready.isEmpty()) {
                roundProblems.add("the switchover was refused: " + answer.describe());
            }
            return measure(number, FaultKind.SWITCHOVER, detail, leader, Optional.empty(), faultAt, faultEndedAt,
                    roundProblems);
        }
        List<String> notes = new ArrayList<>(List.of(detail));
        Leading successor = awaitServing(awaitNewTerm(Optional.of(leader.token())), notes);
        leading = successor;
        detail = String.join("; ", notes);
        Optional<String> chosen = answer.to().or(() -> to);
        if (chosen.isPresent() && !chosen.get().equals(instanceId(successor.replica()))) {
            roundProblems.add("the leader handed over to " + name(chosen.get()) + ", but "
                    + successor.replica().name + " took over");
        }
        return measure(number, FaultKind.SWITCHOVER, detail, leader, Optional.of(successor), faultAt, faultEndedAt,
                roundProblems);
    }

    private String instanceId(Replica replica) {
        return settings.election() + "-" + replica.name;
    }

    /** The drill's name of the replica with instance id {@code id}. */
    private String name(String id) {
        String prefix = settings.election() + "-";
        return id.startsWith(prefix) ? id.substring(prefix.length()) : id;
    }

    /** When a fault of one etcd member began, and what it was. */
    private record MemberFault(Instant at, String detail) {
    }

    /**
     * Kills (or freezes) the etcd member that leads Raft, the one that serves every lease keepalive, for the fault
     * duration, then starts (or resumes) it.
     */
    private MemberFault faultRaftLeader(int number, boolean kill) throws InterruptedException {
        int member = etcd.awaitRaftLeader();
        String name = etcd.memberName(member);
        if (kill) {
            etcd.kill(member);
        } else {
            etcd.pause(member);
        }
        Instant at = event(DrillEvent.ETCD_LANE, (kill ? "kill " : "freeze ") + name, number);
        TimeUnit.MILLISECONDS.sleep(settings.faultDuration().toMillis());
        if (kill) {
            etcd.restart(member);
        } else {
            etcd.resume(member);
        }
        event(DrillEvent.ETCD_LANE, name + (kill ? " back" : " resumed"), number);
        return new MemberFault(at, name + " (Raft leader) " + (kill ? "killed" : "frozen") + " for "
                + Durations.text(settings.faultDuration()));
    }

    /** What the logs say a round cost; every broken promise becomes one of its problems. */
    private Round measure(int number, FaultKind kind, String detail, Leading leader, Optional<Leading> successor,
            Instant faultAt, Instant faultEndedAt, List<String> roundProblems) throws InterruptedException {
        Replica old = leader.replica();
        OptionalDouble unavailable = unavailability(faultAt, roundProblems);
        ReplicaLog.TermLog oldTerm = old.process.log().term(leader.token()).orElseThrow();
        Optional<Integer> exit = old.process.exitCode();
        if (successor.isEmpty()) {
            if (oldTerm.lost().isPresent() || oldTerm.released().isPresent()) {
                roundProblems.add(old.name + "'s term ended, but no replica took over within the timeout");
            }
            return new Round(number, kind, detail, old.name, leader.token(), Optional.empty(), Optional.empty(),
                    faultAt, faultEndedAt, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                    0, false, 0, 0, false, 0, 0, 0, oldTerm.fencedRefusals(), oldTerm.refusalsByEtcd(), exit,
                    OptionalDouble.empty(), 0, unavailable, roundProblems);
        }
        Replica next = successor.get().replica();
        ReplicaLog.TermLog newTerm = next.process.log().term(successor.get().token()).orElseThrow();
        Instant acquired = newTerm.acquired();
        Instant stoppedActing = actingEnd(old, oldTerm, clock.instant());
        double gap = millis(stoppedActing, acquired);
        if (gap < 0) {
            roundProblems.add(next.name + " acquired leadership " + Math.round(-gap) + " ms before " + old.name
                    + " stopped acting (by their logs' timestamps): two leaders at once");
        }
        boolean crash = kind == FaultKind.SIGKILL || kind == FaultKind.SIGSTOP;
        long oldTickLogged = oldTerm.lastTick(kind == FaultKind.SIGSTOP ? faultAt : Instant.MAX).orElse(-1);
        long oldTick = crash ? oldTerm.tickAt(faultAt, settings.tickRate()).orElse(oldTickLogged)
                : oldTerm.stoppedAtTick().orElse(oldTickLogged);
        Optional<ReplicaLog.TickHash> restored = newTerm.restored();
        long lastSaved = oldTerm.saves().stream().filter(save -> save.at().isBefore(faultAt))
                .mapToLong(ReplicaLog.Save::tick).max().orElse(-1);
        // Before the first view of the election a successor rightly spawns the world afresh, from its seed.
        boolean aViewExisted = oldTerm.restored().isPresent() || lastSaved >= 0;
        if (restored.isEmpty() && (aViewExisted || !newTerm.startedFresh())) {
            roundProblems.add(next.name + " restored no world view" + (newTerm.startedFresh()
                    ? ": it spawned a fresh world" : ""));
        }
        long restoredTick = restored.map(ReplicaLog.TickHash::tick).orElse(0L);
        long lost = oldTick - restoredTick;
        long bound = bound(kind, oldTerm);
        if (kind.loss() == FaultKind.Loss.NONE) {
            if (lost != 0) {
                roundProblems.add(kind + " lost " + lost + " ticks: the old leader reached tick " + oldTick
                        + ", its successor restored tick " + restoredTick);
            }
        } else {
            if (restoredTick < lastSaved) {
                roundProblems.add("the successor restored tick " + restoredTick + ", older than the view of tick "
                        + lastSaved + " that the old leader had saved");
            }
            if (lost > bound) {
                roundProblems.add(kind + " lost " + lost + " ticks, more than " + bound);
            }
        }
        Integer expectedExit = switch (kind) {
            case SIGTERM -> 0;
            case SIGKILL, SWITCHOVER -> null;
            default -> 4;
        };
        if (kind == FaultKind.SWITCHOVER && exit.isPresent()) {
            roundProblems.add(old.name + " exited with " + exit.get() + " after the switchover; it should stand by "
                    + "again");
        }
        // A leader stops (exit 5) rather than tick past a command journal write whose outcome etcd left unknown.
        boolean stoppedForTheJournal = expectedExit != null && expectedExit == 4 && oldTerm.journalOutcomeUnknown()
                && exit.equals(Optional.of(5));
        if (expectedExit != null && !exit.equals(Optional.of(expectedExit)) && !stoppedForTheJournal) {
            roundProblems.add(old.name + " did not exit with " + expectedExit + " after " + kind + ": "
                    + exit.map(code -> "exit code " + code).orElse("still running"));
        }
        OptionalDouble actedAfter = OptionalDouble.empty();
        if (kind == FaultKind.SIGSTOP) {
            // A save it logs once resumed may have reached etcd before the freeze (its reply came after): the audit
            // of etcd's history, not the log, tells whether it wrote after its term.
            Instant end = oldTerm.servicesStopped().orElse(old.process.exitedAt().orElse(clock.instant()));
            actedAfter = OptionalDouble.of(Math.max(0, millis(old.resumedAt, end)));
            if (actedAfter.getAsDouble() > settings.lease().renewDeadline().toMillis()) {
                roundProblems.add(old.name + " went on acting for " + Math.round(actedAfter.getAsDouble())
                        + " ms after SIGCONT, past its renew deadline");
            }
        }
        FencingToken oldToken = leader.token();
        FencingToken newToken = successor.get().token();
        if (newToken.compareTo(oldToken) <= 0) {
            roundProblems.add("the fencing token did not grow: " + oldToken + " then " + newToken);
        }
        int common = 0;
        for (ReplicaLog.TickHash before : oldTerm.simulated()) {
            for (ReplicaLog.TickHash after : newTerm.simulated()) {
                if (before.tick() == after.tick()) {
                    common++;
                    if (!before.hash().equals(after.hash())) {
                        roundProblems.add("tick " + before.tick() + ": hash " + before.hash() + " on " + old.name
                                + " but " + after.hash() + " on " + next.name);
                    }
                }
            }
        }
        return new Round(number, kind, detail, old.name, oldToken, Optional.of(next.name), Optional.of(newToken),
                faultAt, faultEndedAt, OptionalDouble.of(millis(faultAt, acquired)),
                OptionalDouble.of(millis(faultAt, newTerm.servicesStarted().orElse(acquired))), OptionalDouble.of(gap),
                oldTick, crash, oldTickLogged, restoredTick, newTerm.restoredPreloaded(), lost, bound, lastSaved,
                oldTerm.fencedRefusals(), oldTerm.refusalsByEtcd(), exit, actedAfter, common, unavailable,
                roundProblems);
    }

    /** Under client load: what the client saw of the round, once it is served again; a problem if it is not. */
    private OptionalDouble unavailability(Instant faultAt, List<String> roundProblems) throws InterruptedException {
        return load == null ? OptionalDouble.empty() : load.unavailability(faultAt, settings.timeout(), roundProblems);
    }

    /** Starts the client load, if one is asked for; what the line about the start says of it. */
    private String startLoad() {
        if (settings.commandsPerSecond() == 0) {
            return "";
        }
        load = new CommandLoad(settings.commandsPerSecond(), settings.world().geometry(),
                () -> running.stream().map(replica -> replica.api).toList(), clock);
        load.start();
        return "; a client sends " + settings.commandsPerSecond() + " commands/s";
    }

    /** The most a round of {@code kind} may lose, in ticks, given how slow the old leader's saves were. */
    private long bound(FaultKind kind, ReplicaLog.TermLog oldTerm) {
        double rate = settings.tickRate();
        long inFlight = (long) Math.ceil(oldTerm.slowestSaveMillis() * rate / 1000.0);
        return switch (kind.loss()) {
            case NONE -> 0;
            case CRASH -> settings.backupInterval() + inFlight + 1;
            case LEASE -> settings.backupInterval() + inFlight
                    + (long) Math.ceil(settings.lease().renewDeadline().toMillis() * rate / 1000.0) + 1;
        };
    }

    /**
     * When a term stopped acting: its services stopped, or the signal that killed or froze it (frozen, it does
     * nothing; what it tries once resumed is for the fence to refuse), or its exit; {@code end} if it still leads.
     */
    private static Instant actingEnd(Replica replica, ReplicaLog.TermLog term, Instant end) {
        List<Instant> candidates = new ArrayList<>();
        term.servicesStopped().ifPresent(candidates::add);
        for (Instant signal : new Instant[] {replica.killedAt, replica.frozenAt}) {
            if (signal != null && signal.isAfter(term.acquired())) {
                candidates.add(signal);
            }
        }
        if (candidates.isEmpty()) {
            replica.process.exitedAt().ifPresent(candidates::add);
        }
        return candidates.stream().min(Comparator.naturalOrder()).orElse(end);
    }

    /**
     * Who leads as round {@code number} begins. The leader must still hold the term it won in the round before: a
     * term that ended, or a newer one, since then had no fault of the drill's behind it (a lease lost on a healthy
     * etcd, say), a broken promise that is noted; the drill goes on with whoever leads now.
     */
    private Leading leaderNow(int number) throws InterruptedException {
        Replica replica = leading.replica();
        if (!ended(leading)) {
            return leading;
        }
        ReplicaLog.TermLog term = replica.process.log().term(leading.token()).orElseThrow();
        Leading now = awaitNewTerm(Optional.of(leading.token()));
        for (Optional<Leading> later = newTerm(Optional.of(now.token())); later.isPresent();
                later = newTerm(Optional.of(now.token()))) {
            now = later.get();
        }
        String why = term.lines().stream().map(ReplicaLog.Line::text)
                .filter(line -> line.contains(" - leadership lost: ")).findFirst()
                .map(line -> " (" + line.substring(line.indexOf("leadership lost: ")) + ")").orElse("");
        problems.add("before round " + number + ": " + replica.name + " (" + leading.token() + ") lost its term with "
                + "no fault of the drill's" + why + "; " + now.replica().name + " (" + now.token() + ") leads now");
        List<String> notes = new ArrayList<>();
        now = awaitServing(now, notes);
        notes.forEach(note -> problems.add("before round " + number + ": " + note));
        replaceExited();
        awaitStandbys(now);
        return now;
    }

    /** The first new term, with a fencing token above {@code after}, that any running replica logs. */
    private Leading awaitNewTerm(Optional<FencingToken> after) throws InterruptedException {
        long deadline = clock.nanoTime() + settings.timeout().toNanos();
        while (clock.nanoTime() < deadline) {
            Optional<Leading> found = newTerm(after);
            if (found.isPresent()) {
                return found.get();
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new DrillException("no replica acquired leadership within " + Durations.text(settings.timeout())
                + tails());
    }

    /**
     * After a fault the leader may survive: a new term if one comes, else, once its term has stood for the renew
     * deadline and a TTL past the fault's end without a loss, empty: it kept its term.
     */
    private Optional<Leading> awaitNewTermOrKept(Leading leader) throws InterruptedException {
        long settled = clock.nanoTime() + settings.lease().renewDeadline().plus(settings.lease().ttl())
                .plusSeconds(1).toNanos();
        while (clock.nanoTime() < settled) {
            if (ended(leader)) {
                return Optional.of(awaitNewTerm(Optional.of(leader.token())));
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return Optional.empty();
    }

    private Optional<Leading> newTerm(Optional<FencingToken> after) {
        Leading first = null;
        for (Replica replica : List.copyOf(running)) {
            for (ReplicaLog.TermLog term : replica.process.log().terms()) {
                boolean newer = after.isEmpty() || term.token().compareTo(after.get()) > 0;
                if (newer && (first == null || term.acquired().isBefore(acquired(first)))) {
                    first = new Leading(replica, term.token());
                }
            }
        }
        return Optional.ofNullable(first);
    }

    private static Instant acquired(Leading leading) {
        return leading.replica().process.log().term(leading.token()).orElseThrow().acquired();
    }

    /**
     * The leader whose services start: {@code leader}, or, if its term ends before they do (won just as its lease's
     * renew deadline passed, say), the next term's, and so on. Each term that ended first is told to {@code notes}.
     */
    private Leading awaitServing(Leading leader, List<String> notes) throws InterruptedException {
        Leading current = leader;
        long deadline = clock.nanoTime() + settings.timeout().toNanos();
        while (true) {
            ReplicaLog.TermLog term = current.replica().process.log().term(current.token()).orElseThrow();
            if (term.servicesStarted().isPresent()) {
                return current;
            }
            if (term.lost().isPresent() || term.released().isPresent() || !current.replica().process.isAlive()) {
                notes.add(current.replica().name + " (" + current.token() + ") lost its term before its services "
                        + "started");
                current = awaitNewTerm(Optional.of(current.token()));
                continue;
            }
            if (clock.nanoTime() > deadline) {
                throw new DrillException("no services started from " + current.replica().name + " within "
                        + Durations.text(settings.timeout()) + "; its last lines:"
                        + current.replica().process.tail(20));
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /**
     * Every running replica but the leader waits in the election (since its last term, if it led before). If the
     * leader's term ends meanwhile, the waiting stops: the next round begins with whoever leads then.
     */
    private void awaitStandbys(Leading leader) throws InterruptedException {
        for (Replica replica : List.copyOf(running)) {
            if (replica != leader.replica()) {
                await(replica, "waiting in the election", log -> ended(leader) || log.waitingSince(log.lastTerm()
                        .map(ReplicaLog.TermLog::acquired).orElse(Instant.MIN)));
            }
        }
    }

    /** Whether {@code leader}'s term has ended, or a newer one began. */
    private boolean ended(Leading leader) {
        ReplicaLog.TermLog term = leader.replica().process.log().term(leader.token()).orElseThrow();
        return term.lost().isPresent() || term.released().isPresent() || !leader.replica().process.isAlive()
                || newTerm(Optional.of(leader.token())).isPresent();
    }

    /**
     * etcd renews no lease until it has a Raft leader again that has caught up, so after a fault of etcd a term can
     * still end, a new one too. Until the renew deadline and a TTL have passed since the fault ended, and each new
     * term has stood for its renew deadline, every term that ends is followed to the next, noted in the round.
     */
    private Leading outlastAftermath(int number, Leading leader, long faultEnded, List<String> notes)
            throws InterruptedException {
        LeaseSettings lease = settings.lease();
        long settled = faultEnded + lease.renewDeadline().plus(lease.ttl()).plusSeconds(1).toNanos();
        Leading current = leader;
        while (clock.nanoTime() < settled) {
            if (ended(current)) {
                notes.add(current.replica().name + " (" + current.token() + ") lost its term in the fault's "
                        + "aftermath");
                if (current.replica().process.isAlive()) {
                    awaitExit(current.replica(), number);
                }
                replaceExited();
                current = awaitServing(awaitNewTerm(Optional.of(current.token())), notes);
                settled = Math.max(settled, clock.nanoTime() + lease.renewDeadline().toNanos());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return current;
    }

    private void await(Replica replica, String what, Predicate<ReplicaLog> done)
            throws InterruptedException {
        long deadline = clock.nanoTime() + settings.timeout().toNanos();
        while (!done.test(replica.process.log())) {
            if (clock.nanoTime() > deadline || !replica.process.isAlive() && !done.test(replica.process.log())) {
                throw new DrillException("no " + what + " from " + replica.name + " within "
                        + Durations.text(settings.timeout()) + (replica.process.isAlive() ? "" : " (it exited)")
                        + "; its last lines:" + replica.process.tail(20));
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** Waits for a faulted leader to exit; one that does not is a broken promise, and is killed. */
    private void awaitExit(Replica replica, int round) throws InterruptedException {
        if (replica.process.awaitExit(settings.timeout()).isEmpty()) {
            problems.add("round " + round + ": " + replica.name + " did not exit within "
                    + Durations.text(settings.timeout()) + " of its fault; the drill killed it");
            replica.killedAt = signal(replica, Signal.KILL, round);
            replica.process.awaitExit(settings.timeout());
        }
    }

    /** Replaces every replica that exited by a new one. */
    private void replaceExited() throws InterruptedException {
        for (Replica replica : List.copyOf(running)) {
            if (!replica.process.isAlive()) {
                running.remove(replica);
                running.add(startReplica());
            }
        }
    }

    /** Stops the standbys first, so that nobody takes over, then the leader. */
    private void stopAll(Replica leader) throws InterruptedException {
        for (Replica replica : running) {
            if (replica != leader) {
                replica.process.signal(Signal.TERM);
            }
        }
        for (Replica replica : running) {
            if (replica != leader) {
                replica.process.awaitExit(settings.timeout());
            }
        }
        signal(leader, Signal.TERM, 0);
        leader.process.awaitExit(settings.timeout());
    }

    private Instant signal(Replica replica, Signal signal, int round) {
        replica.process.signal(signal);
        return event(replica.name, "SIG" + signal, round);
    }

    private Instant event(String lane, String label, int round) {
        Instant at = clock.instant();
        events.add(new DrillEvent(at, lane, label, round));
        return at;
    }

    /** What each term's log claims, for the audit of etcd's history. */
    private List<EtcdHistory.Claim> claims() {
        List<EtcdHistory.Claim> claims = new ArrayList<>();
        for (Replica replica : every) {
            if (replica.name.equals(REFERENCE)) {
                continue;
            }
            List<ReplicaLog.TermLog> terms = replica.process.log().terms();
            for (int i = 0; i < terms.size(); i++) {
                ReplicaLog.TermLog term = terms.get(i);
                Set<Long> saved = new HashSet<>();
                term.saves().forEach(save -> saved.add(save.tick()));
                boolean killedInTerm = replica.killedAt != null && i == terms.size() - 1;
                claims.add(new EtcdHistory.Claim(replica.name, term.token(), saved, term.failedSaves(),
                        term.unconfirmedSaves(), killedInTerm));
            }
        }
        return claims;
    }

    /** Leading windows that overlap in time, by the replicas' own log timestamps. */
    private List<String> overlaps(Instant end) {
        record Window(String replica, FencingToken token, Instant from, Instant to) {
        }
        List<Window> windows = new ArrayList<>();
        for (Replica replica : every) {
            if (replica.name.equals(REFERENCE)) {
                continue;
            }
            for (ReplicaLog.TermLog term : replica.process.log().terms()) {
                windows.add(new Window(replica.name, term.token(), term.acquired(), actingEnd(replica, term, end)));
            }
        }
        windows.sort(Comparator.comparing(Window::from));
        List<String> overlaps = new ArrayList<>();
        for (int i = 1; i < windows.size(); i++) {
            Window previous = windows.get(i - 1);
            Window current = windows.get(i);
            if (current.from().isBefore(previous.to())) {
                overlaps.add(current.replica() + " (" + current.token() + ") acquired leadership at " + current.from()
                        + ", " + Math.round(millis(current.from(), previous.to())) + " ms before " + previous.replica()
                        + " (" + previous.token() + ") stopped acting");
            }
        }
        return overlaps;
    }

    /** Every tick a drill replica logged (simulated or restored) against the reference replica's hash at that tick. */
    private DrillRun.Continuity continuity(Replica reference) {
        if (reference == null) {
            return DrillRun.Continuity.none();
        }
        Map<Long, String> expected = new HashMap<>();
        reference.process.log().simulated().forEach(tick -> expected.put(tick.tick(), tick.hash()));
        return compared("an uninterrupted reference run", "the uninterrupted reference", expected);
    }

    /** Every tick a drill replica logged against the world replayed from the command journal in etcd's history. */
    private DrillRun.Continuity replayed(CommandAudit.Result commands) {
        String against = "the world replayed from the command journal";
        if (!settings.reference()) {
            return DrillRun.Continuity.none();
        }
        Set<Long> ticks = new HashSet<>();
        leaderTicks().forEach((replica, logged) -> logged.forEach(tick -> ticks.add(tick.tick())));
        try {
            return compared(against, "the replay", CommandAudit.replayedHashes(settings.world(), commands.journal(),
                    ticks));
        } catch (JournalException e) {
            return new DrillRun.Continuity(true, against, 0, List.of("no replay of the command journal: "
                    + e.getMessage()));
        }
    }

    private DrillRun.Continuity compared(String against, String reference, Map<Long, String> expected) {
        int compared = 0;
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, List<ReplicaLog.TickHash>> logged : leaderTicks().entrySet()) {
            for (ReplicaLog.TickHash tick : logged.getValue()) {
                String hash = expected.get(tick.tick());
                if (hash != null) {
                    compared++;
                    if (!hash.equals(tick.hash())) {
                        mismatches.add("tick " + tick.tick() + ": " + logged.getKey() + " has hash " + tick.hash()
                                + ", " + reference + " " + hash);
                    }
                }
            }
        }
        return new DrillRun.Continuity(true, against, compared, mismatches);
    }

    /**
     * Each drill replica's logged ticks with their hashes, while its terms acted and it knew of no end to them: those
     * they simulated and the views they restored. A leader resumed after its term, or one that learnt of its loss
     * (or of a refused journal write) before its services stopped, may tick on a world its successor has moved past
     * (without the commands the successor journaled); that is for the fence to keep out of etcd, not the world's
     * history.
     */
    private Map<String, List<ReplicaLog.TickHash>> leaderTicks() {
        Map<String, List<ReplicaLog.TickHash>> logged = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (Replica replica : every) {
            if (replica.name.equals(REFERENCE)) {
                continue;
            }
            List<ReplicaLog.TickHash> ticks = new ArrayList<>();
            for (ReplicaLog.TermLog term : replica.process.log().terms()) {
                Instant stopped = actingEnd(replica, term, now);
                Instant acting = term.deposed().filter(at -> at.isBefore(stopped)).orElse(stopped);
                term.simulated().stream().filter(tick -> !tick.at().isAfter(acting)).forEach(ticks::add);
                term.restored().ifPresent(ticks::add);
            }
            logged.put(replica.name, ticks);
        }
        return logged;
    }

    private List<Lane> lanes(Instant end) {
        List<Lane> lanes = new ArrayList<>();
        for (Replica replica : every) {
            if (!replica.name.equals(REFERENCE)) {
                List<DrillEvent> own = events.stream().filter(event -> event.lane().equals(replica.name)).toList();
                lanes.add(LocalLanes.lane(replica.name, replica.process, own, replica.frozenAt, replica.resumedAt,
                        end));
            }
        }
        return lanes;
    }

    private Replica startReference() {
        List<String> args = new ArrayList<>(List.of("run", "--instance-id", settings.election() + "-" + REFERENCE,
                "--http-host", "127.0.0.1", "--http-port", "0"));
        args.addAll(settings.worldArguments());
        return start(REFERENCE, args, null, null);
    }

    /** A new replica, named r1, r2, … in the order they start, behind a proxy of its own. */
    private Replica startReplica() throws InterruptedException {
        String name = "r" + (++started);
        // A switchover asks the leader through the URL it advertises, and the leader its successor: loopback, here.
        int port = Ports.free();
        EtcdProxy proxy;
        try {
            proxy = EtcdProxy.start(name, etcd.endpoints());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the etcd proxy of " + name, e);
        }
        // The audit reads etcd's whole history afterwards: the leaders must not compact it meanwhile.
        List<String> args = new ArrayList<>(List.of("run",
                "--etcd-endpoints", proxy.endpoints().stream().map(URI::toString).collect(Collectors.joining(",")),
                "--election", settings.election(), "--instance-id", settings.election() + "-" + name,
                "--lease-ttl", settings.lease().ttl().toSeconds() + "s",
                "--renew-deadline", settings.lease().renewDeadline().toMillis() + "ms",
                "--etcd-compaction-retention", "24h", "--http-host", "127.0.0.1", "--http-port",
                Integer.toString(port), "--advertise-url", "http://127.0.0.1:" + port));
        args.addAll(settings.worldArguments());
        return start(name, args, proxy, URI.create("http://127.0.0.1:" + port));
    }

    private Replica start(String name, List<String> args, EtcdProxy proxy, URI api) {
        List<String> command = new ArrayList<>(target.replicaCommand());
        command.addAll(args);
        Replica replica = new Replica(name, ReplicaProcess.start(name, command, Map.of(),
                logDir.resolve(name + ".log"), clock), proxy, api);
        every.add(replica);
        return replica;
    }

    private Replica byName(String name) {
        return every.stream().filter(replica -> replica.name.equals(name)).findFirst().orElseThrow();
    }

    private String tails() {
        StringBuilder text = new StringBuilder();
        for (Replica replica : running) {
            text.append("\n--- ").append(replica.name).append(" (last lines) ---").append(replica.process.tail(15));
        }
        return text.toString();
    }

    private void close() throws InterruptedException {
        if (load != null) {
            load.close();
        }
        for (Replica replica : every) {
            replica.process.close();
            if (replica.proxy != null) {
                replica.proxy.close();
            }
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** A replica that leads, and the token of its term. */
    private record Leading(Replica replica, FencingToken token) {
    }

    /** One replica process, its proxy, and what the drill did to it. */
    private static final class Replica {
        final String name;
        final ReplicaProcess process;
        final EtcdProxy proxy;
        /** Its HTTP API; null for the reference, which listens on a port of its choice. */
        final URI api;
        volatile Instant killedAt;
        volatile Instant frozenAt;
        volatile Instant resumedAt;

        Replica(String name, ReplicaProcess process, EtcdProxy proxy, URI api) {
            this.name = name;
            this.process = process;
            this.proxy = proxy;
            this.api = api;
        }
    }
}
