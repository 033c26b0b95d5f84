package org.vvmhost.host.drill;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a drill found: its rounds, the audit of etcd's history, the leading windows that overlapped, the world's
 * continuity against an uninterrupted reference, and for the timeline every replica's lane and what the drill did.
 *
 * @param overlaps  leading windows that overlapped, by the replicas' own log timestamps; empty if none
 * @param judged    whether the overlaps could be judged (they cannot without the replicas' logs)
 * @param etcdNotes what the report says about the etcd the drill ran (its members, its Raft timing)
 * @param load      under client load, what the client did and the audit of its commands
 */
record DrillRun(DrillSettings settings, Instant start, Instant end, List<Round> rounds, EtcdHistory.Audit audit,
        List<String> overlaps, boolean judged, Continuity continuity, List<Lane> lanes, List<DrillEvent> events,
        Optional<String> etcdNotes, Optional<Load> load, List<String> problems) {

    DrillRun {
        rounds = List.copyOf(rounds);
        overlaps = List.copyOf(overlaps);
        lanes = List.copyOf(lanes);
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }

    /**
     * Ticks the leaders logged, compared by world hash with the reference ({@code against}: an uninterrupted replica,
     * or the world replayed from the command journal); {@code mismatches} also says why a comparison could not be made.
     */
    record Continuity(boolean hadReference, String against, int compared, List<String> mismatches) {
        Continuity {
            mismatches = List.copyOf(mismatches);
        }

        static Continuity none() {
            return new Continuity(false, "", 0, List.of());
        }
    }

    /** The client's load: what it sent and saw, and the audit of its commands against the journal. */
    record Load(CommandLoad.Result client, CommandAudit.Result audit) {
    }
}
