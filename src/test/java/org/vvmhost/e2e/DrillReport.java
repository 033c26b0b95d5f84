package org.vvmhost.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.vvmhost.leadership.FencingToken;

/**
 * What a {@link Drill} found: its rounds, the audit of etcd's history, the terms that overlapped in the logs, and the
 * world's continuity against the uninterrupted reference. {@link #failures()} lists every broken promise.
 */
record DrillReport(Drill.Settings settings, List<Drill.Round> rounds, EtcdHistory.Audit audit,
        List<String> leaderOverlaps, Continuity continuity) {

    /** Ticks the leaders logged that the reference logged too, compared by world hash. */
    record Continuity(boolean hadReference, int compared, List<String> mismatches) {
        Continuity {
            mismatches = List.copyOf(mismatches);
        }
    }

    DrillReport {
        rounds = List.copyOf(rounds);
        leaderOverlaps = List.copyOf(leaderOverlaps);
    }

    static String header() {
        return String.format(Locale.ROOT, "%-5s %-7s %-15s %-15s %9s %9s %13s %8s %5s %5s %7s %6s %s", "round",
                "kind", "old (token)", "new (token)", "failover", "services", "old tick", "restored", "lost", "bound",
                "refused", "common", "problems");
    }

    /**
     * One round as a table row. After SIGKILL or SIGSTOP the old leader's last tick is an estimate, marked {@code ~},
     * followed by the highest tick it logged.
     */
    static String row(Drill.Round round) {
        String oldTick = round.kind() != Drill.Kind.SIGTERM
                ? "~" + round.oldTick() + " (" + round.oldTickLogged() + ")" : Long.toString(round.oldTick());
        return String.format(Locale.ROOT, "%-5d %-7s %-15s %-15s %6.0f ms %6.0f ms %13s %7d%s %5d %5s %7d %6d %s",
                round.number(), round.kind(), round.oldReplica() + " (" + token(round.oldToken()) + ")",
                round.newReplica() + " (" + token(round.newToken()) + ")", round.failoverMillis(),
                round.servicesMillis(),
                oldTick, round.restoredTick(), round.preloaded() ? "p" : " ", round.lost(),
                round.kind() == Drill.Kind.SIGTERM ? "0" : "≤" + round.bound(), round.refusedWrites(),
                round.commonTicks(), round.problems().isEmpty() ? "-" : String.join("; ", round.problems()));
    }

    private static String token(Optional<FencingToken> token) {
        return token.map(FencingToken::toString).orElse("-");
    }

    String table() {
        StringBuilder text = new StringBuilder(header()).append('\n');
        rounds.forEach(round -> text.append(row(round)).append('\n'));
        text.append("failover: signal → 'leadership acquired' on the successor; services: signal → its 'services "
                + "started' (world restored). old tick: the last tick the old leader completed; after SIGKILL or "
                + "SIGSTOP (the tick it was paused at) ~ estimated from its last progress line and the tick rate, "
                + "(the highest tick it logged). restored: the successor's first tick, p = from the view it had "
                + "preloaded as a standby. lost = old tick - restored. refused: lines of the old leader's log where the "
                + "fence refused a write. common: ticks both leaders logged.\n");
        return text.toString();
    }

    String summary() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "drill: %d rounds, %d replicas, lease TTL %ds, %d entities at %d Hz, a "
                        + "world view every %d ticks%n", rounds.size(), settings.replicas(),
                settings.leaseTtl().toSeconds(), settings.entities(), settings.tickRate(), settings.backupInterval()));
        for (Drill.Kind kind : Drill.Kind.values()) {
            List<Drill.Round> ofKind = rounds.stream().filter(round -> round.kind() == kind).toList();
            if (ofKind.isEmpty()) {
                continue;
            }
            List<Double> failover = ofKind.stream().map(Drill.Round::failoverMillis).sorted().toList();
            List<Double> services = ofKind.stream().map(Drill.Round::servicesMillis).sorted().toList();
            text.append(String.format(Locale.ROOT, "%-7s x%d: failover median %.0f ms (max %.0f), to services "
                            + "started median %.0f ms; data lost max %d ticks (%s)%n", kind, ofKind.size(),
                    median(failover), failover.get(failover.size() - 1), median(services),
                    ofKind.stream().mapToLong(Drill.Round::lost).max().orElse(0),
                    kind == Drill.Kind.SIGTERM ? "must be 0"
                            : "bound: the backup interval plus the write in flight, ≤ "
                                    + ofKind.stream().mapToLong(Drill.Round::bound).max().orElse(0)));
        }
        long preloaded = rounds.stream().filter(Drill.Round::preloaded).count();
        text.append(String.format(Locale.ROOT, "restored from the standby's preloaded view: %d of %d rounds%n",
                preloaded, rounds.size()));
        text.append(String.format(Locale.ROOT, "deposed-leader writes in etcd's history: %d (revisions 1..%d: %d terms,"
                        + " fencing tokens %s, %s; %d writes under the election's data while a term led, %d manifest "
                        + "switches each by the leader of its revision, %d chunk puts each accounted for by the leader "
                        + "of its revision)%n", audit.deposedWrites().size(), audit.lastRevision(),
                audit.tenures().size(), audit.tenures().stream().map(EtcdHistory.Tenure::describeToken)
                        .collect(Collectors.joining(" → ")),
                audit.tokensIncrease() ? "strictly increasing" : "NOT INCREASING", audit.dataWrites(),
                audit.manifestWrites().size(), audit.chunkWrites()));
        text.append(String.format(Locale.ROOT, "fenced writes refused to deposed leaders (lines in their logs): %d, "
                        + "of which etcd's compare refused %d and the term's own lost state the rest%n",
                rounds.stream().mapToLong(Drill.Round::refusedWrites).sum(),
                rounds.stream().mapToLong(Drill.Round::refusedByEtcd).sum()));
        text.append(String.format(Locale.ROOT, "one leader at a time (logs): %s%n",
                leaderOverlaps.isEmpty() ? "yes" : "NO: " + leaderOverlaps));
        if (continuity.hadReference()) {
            text.append(String.format(Locale.ROOT, "world continuity: %d logged ticks compared with an uninterrupted "
                    + "reference run, %d mismatches; %d ticks logged by both leaders of a round%n",
                    continuity.compared(), continuity.mismatches().size(),
                    rounds.stream().mapToInt(Drill.Round::commonTicks).sum()));
        }
        List<String> failures = failures();
        text.append(failures.isEmpty() ? "verdict: PASS" : "verdict: FAIL\n  " + String.join("\n  ", failures));
        return text.append('\n').toString();
    }

    /** Every broken promise: a round's problems, deposed writes and other audit findings, overlaps, mismatches. */
    List<String> failures() {
        List<String> failures = new ArrayList<>();
        rounds.forEach(round -> round.problems().forEach(problem -> failures.add("round " + round.number() + ": "
                + problem)));
        failures.addAll(audit.problems());
        failures.addAll(leaderOverlaps);
        failures.addAll(continuity.mismatches());
        if (continuity.hadReference() && continuity.compared() == 0) {
            failures.add("no tick of the leaders could be compared with the reference run");
        }
        return failures;
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
