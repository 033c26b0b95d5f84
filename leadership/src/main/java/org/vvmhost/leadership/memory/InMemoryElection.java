package org.vvmhost.leadership.memory;

import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.time.Clock;

/**
 * One election held in memory, modelled on etcd's: a global revision counter, one key per candidacy bound to a
 * lease ({@code <election>/<leaseIdHex>}), the lowest create revision leads, and the fencing token is epoch 1 (the
 * data is never wiped) with that create revision; a switchover intent expires on the election's clock. Many candidates
 * of one JVM join it; each gets its own {@link Leadership}. It backs the embedded default (a single process) and tests
 * of collisions and failover without etcd.
 */
public interface InMemoryElection {

    /** The name of an election created without one. */
    String DEFAULT_NAME = "election";

    /** A new, empty election named {@value #DEFAULT_NAME}; see {@link #create(String, Clock, LeaseSettings)}. */
    static InMemoryElection create(Clock clock, LeaseSettings lease) {
        return create(DEFAULT_NAME, clock, lease);
    }

    /**
     * A new, empty election whose candidates are the keys {@code <name>/<leaseIdHex>} and whose leases have
     * {@code lease}'s TTL, measured on {@code clock}.
     */
    static InMemoryElection create(String name, Clock clock, LeaseSettings lease) {
        return new MemoryElection(name, clock, lease);
    }

    /** A Leadership for one candidate. While it is open its leases are kept alive. */
    Leadership join(Candidate candidate);

    /**
     * Revokes the lease of the candidate's current term or campaign, as {@code etcdctl lease revoke} would.
     * Returns false if it has none.
     */
    boolean revoke(String candidateId);
}
