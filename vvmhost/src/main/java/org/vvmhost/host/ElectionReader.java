package org.vvmhost.host;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.time.Clock;

/**
 * The election as {@code vvmhost status --json} shows it, for {@code /status} and the switchover. On etcd one read at a
 * time, kept for {@link #MAX_AGE}, so that a burst of requests makes one read; a read is bounded by {@link #TIMEOUT},
 * and its failure is shown rather than thrown. On the embedded default there is no one else: the replica itself, if it
 * leads.
 */
final class ElectionReader {

    static final Duration MAX_AGE = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** The election; {@code error} says why etcd could not be read, and then the rest is empty. */
    record ElectionView(String election, List<String> endpoints, StatusCommand.CandidateView leader,
                        List<StatusCommand.CandidateView> waiting, String error) {
    }

    private final Optional<EtcdSettings> etcd;
    private final String election;
    private final Clock clock;
    // Guarded by this.
    private ElectionView cached;
    private long cachedAtNanos;

    ElectionReader(Optional<EtcdSettings> etcd, String election, Clock clock) {
        this.etcd = etcd;
        this.election = election;
        this.clock = clock;
    }

    /**
     * The election, read at most {@link #MAX_AGE} ago. {@code self} is this replica, shown as the leader on the
     * embedded default while it leads.
     */
    synchronized ElectionView read(Optional<StatusCommand.CandidateView> self) {
        long now = clock.nanoTime();
        if (etcd.isPresent() && cached != null && now - cachedAtNanos < MAX_AGE.toNanos()) {
            return cached;
        }
        return readFresh(self);
    }

    /** The election as etcd holds it now, for decisions (a switchover): never a cached answer. */
    synchronized ElectionView readFresh(Optional<StatusCommand.CandidateView> self) {
        if (etcd.isEmpty()) {
            return new ElectionView(election, List.of(), self.orElse(null), List.of(), null);
        }
        EtcdSettings settings = etcd.get();
        List<String> endpoints = settings.endpoints().stream().map(Object::toString).toList();
        ElectionView view;
        try {
            ElectionStatus status = EtcdLeaderships.status(settings, TIMEOUT);
            view = new ElectionView(status.election(), endpoints,
                    status.leader().map(entry -> StatusCommand.CandidateView.of(entry, true)).orElse(null),
                    status.waiting().stream().map(entry -> StatusCommand.CandidateView.of(entry, false)).toList(),
                    null);
        } catch (LeadershipException e) {
            view = new ElectionView(election, endpoints, null, List.of(), "cannot read the election from etcd: "
                    + e.getMessage());
        }
        cached = view;
        cachedAtNanos = clock.nanoTime();
        return view;
    }
}
