package org.vvmhost.host.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.time.Durations;

/** A drill's findings as text: one table row per round, a summary per kind, the audit's verdicts and the failures. */
final class DrillText {

    private DrillText() {
    }

    static String header() {
        return String.format(Locale.ROOT, "%-5s %-17s %-14s %-14s %9s %9s %7s %13s %8s %5s %5s %7s %9s %s", "round",
                "kind", "old (token)", "new (token)", "failover", "services", "gap", "old tick", "restored", "lost",
                "bound", "refused", "client", "problems");
    }

    /**
     * One round as a table row. After SIGKILL or SIGSTOP the old leader's last tick is an estimate, marked {@code ~},
     * followed by the highest tick it logged.
     */
    static String row(Round round) {
        String problems = round.problems().isEmpty() ? "-" : String.join("; ", round.problems());
        if (!round.leaderChanged()) {
            return String.format(Locale.ROOT, "%-5d %-17s %-14s %-14s %9s %9s %7s %13s %8s %5d %5s %7d %9s %s",
                    round.number(), round.kind(), round.oldReplica() + " (" + round.oldToken() + ")", "kept its term",
                    "-", "-", "-", "-", "-", 0, "-", round.refused(), millis(round.unavailable()), problems);
        }
        String oldTick = round.oldTickEstimated()
                ? "~" + round.oldTick() + " (" + round.oldTickLogged() + ")" : Long.toString(round.oldTick());
        return String.format(Locale.ROOT,
                "%-5d %-17s %-14s %-14s %6.0f ms %6.0f ms %4.0f ms %13s %7d%s %5d %5s %7d %9s %s",
                round.number(), round.kind(), round.oldReplica() + " (" + round.oldToken() + ")",
                round.newReplica().orElseThrow() + " (" + round.newToken().map(FencingToken::toString).orElse("-")
                        + ")", round.failoverMillis().orElse(0), round.servicesMillis().orElse(0),
                round.gapMillis().orElse(0), oldTick, round.restoredTick(), round.preloaded() ? "p" : " ",
                round.lost(), round.bound() == 0 ? "0" : "≤" + round.bound(), round.refused(),
                millis(round.unavailable()), problems);
    }

    /** Whole milliseconds, or - for none. */
    static String millis(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.0f ms", value.getAsDouble()) : "-";
    }

    static String legend() {
        return "failover: fault (a SWITCHOVER's request) → 'leadership acquired' on the successor; services: fault "
                + "→ its 'services started' (world restored); gap: the old leader stopped acting (services stopped, or "
                + "frozen or killed) → the successor's 'leadership acquired', by their logs' timestamps (below 0: two "
                + "leaders at once). old tick: the last tick the old leader completed; ~ estimated from its last "
                + "progress line and the tick rate after SIGKILL or SIGSTOP, (the highest tick it logged). restored: "
                + "the successor's first tick, "
                + "p = from the view it had preloaded as a standby. lost = old tick - restored. refused: lines of the "
                + "old leader's log where the fence refused a write. client: under client load, the longest time no "
                + "command was acknowledged, from the fault until the client was served again.";
    }

    /** Per kind: how many rounds, failover and services-started medians and maxima, and the data lost. */
    static List<KindSummary> kinds(DrillRun run) {
        List<KindSummary> summaries = new ArrayList<>();
        for (FaultKind kind : FaultKind.values()) {
            List<Round> ofKind = run.rounds().stream().filter(round -> round.kind() == kind).toList();
            if (ofKind.isEmpty()) {
                continue;
            }
            List<Round> changed = ofKind.stream().filter(Round::leaderChanged).toList();
            summaries.add(new KindSummary(kind, ofKind.size(), changed.size(),
                    Stats.of(changed.stream().map(Round::failoverMillis).toList()),
                    Stats.of(changed.stream().map(Round::servicesMillis).toList()),
                    changed.stream().mapToLong(Round::lost).max().orElse(0),
                    ofKind.stream().mapToLong(Round::bound).max().orElse(0),
                    Stats.of(ofKind.stream().map(Round::unavailable).toList())));
        }
        return summaries;
    }

    /** One kind's figures. */
    record KindSummary(FaultKind kind, int rounds, int failovers, Stats failover, Stats services, long maxLost,
            long bound, Stats unavailable) {
    }

    /** Median and maximum of some milliseconds; empty when there are none. */
    record Stats(OptionalDouble median, OptionalDouble max) {
        static Stats of(List<OptionalDouble> values) {
            List<Double> sorted = values.stream().filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble)
                    .sorted().toList();
            if (sorted.isEmpty()) {
                return new Stats(OptionalDouble.empty(), OptionalDouble.empty());
            }
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Stats(OptionalDouble.of(median), OptionalDouble.of(sorted.get(n - 1)));
        }

        String text() {
            return median.isEmpty() ? "-" : String.format(Locale.ROOT, "median %.0f ms (max %.0f)",
                    median.getAsDouble(), max.getAsDouble());
        }
    }

    /** The audit's verdicts, each a sentence, with the numbers behind it. */
    static List<Verdict> verdicts(DrillRun run) {
        List<Verdict> verdicts = new ArrayList<>();
        EtcdHistory.Audit audit = run.audit();
        verdicts.add(new Verdict("deposed-leader writes", audit.deposedWrites().isEmpty(), String.format(Locale.ROOT,
                "%d in etcd's history (revisions 1..%d: %d terms, fencing tokens %s, %s; %d writes under the "
                        + "election's data while a term led, %d manifest switches, %d chunk puts)",
                audit.deposedWrites().size(), audit.lastRevision(), audit.tenures().size(),
                audit.tenures().stream().map(EtcdHistory.Tenure::describeToken).collect(Collectors.joining(" → ")),
                audit.tokensIncrease() ? "strictly increasing" : "NOT INCREASING", audit.dataWrites(),
                audit.manifestWrites().size(), audit.chunkWrites())));
        if (run.judged()) {
            verdicts.add(new Verdict("overlapping leaders", run.overlaps().isEmpty(), run.overlaps().isEmpty()
                    ? "none: every leader stopped acting before its successor's 'leadership acquired' (by the "
                            + "replicas' own log timestamps)"
                    : String.join("; ", run.overlaps())));
        }
        long refused = run.rounds().stream().mapToLong(Round::refused).sum();
        verdicts.add(new Verdict("fenced writes refused to deposed leaders", true, refused + " (lines in their logs),"
                + " of which etcd's compare refused " + run.rounds().stream().mapToLong(Round::refusedByEtcd).sum()
                + " and the term's own lost state the rest"));
        DrillRun.Continuity continuity = run.continuity();
        if (continuity.hadReference()) {
            verdicts.add(new Verdict("world continuity", continuity.mismatches().isEmpty() && continuity.compared() > 0,
                    String.format(Locale.ROOT, "%d logged ticks compared with %s, %d mismatches; %d ticks logged by "
                            + "both leaders of a round", continuity.compared(), continuity.against(),
                            continuity.mismatches().size(),
                            run.rounds().stream().mapToInt(Round::commonTicks).sum())));
        }
        run.load().ifPresent(load -> {
            CommandLoad.Result client = load.client();
            CommandAudit.Result commands = load.audit();
            verdicts.add(new Verdict("acknowledged commands lost", commands.lost().isEmpty()
                    && commands.damaged().isEmpty(), String.format(Locale.ROOT, "%d of %d acknowledged commands (%d of "
                            + "%d requests acknowledged at %d commands/s, %d retries, %d redirects, %d unacknowledged "
                            + "when the drill ended); %d journal entries in etcd's history%s", commands.lost().size(),
                    commands.ackedCommands(), client.acks().size(), client.requests(), client.commandsPerSecond(),
                    client.retries(), client.redirects(), client.unacknowledged(), commands.entries(),
                    commands.damaged().isEmpty() ? "" : ", " + commands.damaged().size() + " unreadable")));
            verdicts.add(new Verdict("commands applied twice", commands.twice().isEmpty(), String.format(Locale.ROOT,
                    "%d sequence numbers or idempotency keys journaled twice, of %d commands journaled",
                    commands.twice().size(), commands.journaled())));
        });
        long lost = run.rounds().stream().filter(round -> round.kind().loss() == FaultKind.Loss.NONE)
                .mapToLong(Round::lost).max().orElse(0);
        verdicts.add(new Verdict("data lost on a graceful handover", lost == 0, lost + " ticks (must be 0)"));
        return verdicts;
    }

    /** One audit line: what was checked, whether it held, and the numbers. */
    record Verdict(String name, boolean pass, String detail) {
    }

    static String summary(DrillRun run) {
        DrillSettings settings = run.settings();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "drill: %d rounds, %s, lease TTL %s (renew deadline %s), "
                        + "%s Hz, a world view every %d ticks%n", run.rounds().size(), replicas(run),
                Durations.text(settings.lease().ttl()), Durations.text(settings.lease().renewDeadline()),
                trim(settings.tickRate()), settings.backupInterval()));
        for (KindSummary kind : kinds(run)) {
            List<String> parts = new ArrayList<>();
            if (kind.failovers() < kind.rounds()) {
                parts.add(String.format(Locale.ROOT, "the leader kept its term in %d of %d",
                        kind.rounds() - kind.failovers(), kind.rounds()));
            }
            if (kind.failovers() > 0) {
                parts.add(String.format(Locale.ROOT, "failover %s; to services started %s; data lost max %d ticks "
                                + "(%s)", kind.failover().text(), kind.services().text(), kind.maxLost(),
                        kind.kind().loss() == FaultKind.Loss.NONE ? "must be 0" : "bound ≤ " + kind.bound()));
            }
            if (kind.unavailable().median().isPresent()) {
                parts.add("client unavailable " + kind.unavailable().text());
            }
            text.append(String.format(Locale.ROOT, "%-17s x%d: %s%n", kind.kind(), kind.rounds(),
                    String.join("; ", parts)));
        }
        long preloaded = run.rounds().stream().filter(Round::preloaded).count();
        long changed = run.rounds().stream().filter(Round::leaderChanged).count();
        text.append(String.format(Locale.ROOT, "restored from the standby's preloaded view: %d of %d failovers%n",
                preloaded, changed));
        for (Verdict verdict : verdicts(run)) {
            text.append(verdict.name()).append(": ").append(verdict.pass() ? "" : "FAIL: ").append(verdict.detail())
                    .append('\n');
        }
        run.etcdNotes().ifPresent(note -> text.append(note).append('\n'));
        List<String> failures = failures(run);
        text.append(failures.isEmpty() ? "verdict: PASS" : "verdict: FAIL\n  " + String.join("\n  ", failures));
        return text.append('\n').toString();
    }

    /** Every broken promise: the rounds' problems, the audit's findings, overlaps, mismatches. */
    static List<String> failures(DrillRun run) {
        List<String> failures = new ArrayList<>(run.problems());
        run.rounds().forEach(round -> round.problems().forEach(problem -> failures.add("round " + round.number()
                + ": " + problem)));
        failures.addAll(run.audit().problems());
        failures.addAll(run.overlaps());
        failures.addAll(run.continuity().mismatches());
        if (run.continuity().hadReference() && run.continuity().compared() == 0) {
            failures.add("no tick of the leaders could be compared with " + run.continuity().against());
        }
        run.load().ifPresent(load -> {
            load.audit().lost().forEach(lost -> failures.add("acknowledged command lost: " + lost));
            load.audit().twice().forEach(twice -> failures.add("applied twice: " + twice));
            failures.addAll(load.audit().damaged());
            load.client().refused().forEach(refused -> failures.add("the client's request refused: " + refused));
        });
        return failures;
    }

    /** How many replicas ran: the local target's setting, or the candidates an external drill saw. */
    static String replicas(DrillRun run) {
        return run.settings().target() instanceof DrillTarget.Local ? run.settings().replicas() + " replicas"
                : "external target, " + run.lanes().size() + " replicas seen";
    }

    static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
