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
 */
record DrillRun(DrillSettings settings, Instant start, Instant end, List<Round> rounds, EtcdHistory.Audit audit,
        List<String> overlaps, boolean judged, Continuity continuity, List<Lane> lanes, List<DrillEvent> events,
        Optional<String> etcdNotes, List<String> problems) {

    DrillRun {
        rounds = List.copyOf(rounds);
        overlaps = List.copyOf(overlaps);
        lanes = List.copyOf(lanes);
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }

    /** Ticks the leaders logged that the reference logged too, compared by world hash. */
    record Continuity(boolean hadReference, int compared, List<String> mismatches) {
        Continuity {
            mismatches = List.copyOf(mismatches);
        }
    }
}
