package org.vvmhost.leadership.memory;

import java.util.Objects;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.time.Clock;

final class MemoryElection implements InMemoryElection {

    private final Clock clock;
    private final LeaseSettings lease;

    MemoryElection(Clock clock, LeaseSettings lease) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    @Override
    public Leadership join(Candidate candidate) {
        throw new UnsupportedOperationException("in-memory election: work in progress");
    }

    @Override
    public boolean revoke(String candidateId) {
        throw new UnsupportedOperationException("in-memory election: work in progress");
    }
}
