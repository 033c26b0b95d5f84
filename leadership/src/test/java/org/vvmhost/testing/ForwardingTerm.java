package org.vvmhost.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;

/** A term that forwards every call to another; a test overrides the calls it wants to hold, refuse or note. */
public class ForwardingTerm implements Term {

    private final Term delegate;

    public ForwardingTerm(Term delegate) {
        this.delegate = delegate;
    }

    @Override
    public FencingToken fencingToken() {
        return delegate.fencingToken();
    }

    @Override
    public String leaderKey() {
        return delegate.leaderKey();
    }

    @Override
    public Status status() {
        return delegate.status();
    }

    @Override
    public CompletableFuture<LeadershipLostException> lost() {
        return delegate.lost();
    }

    @Override
    public CompletableFuture<Void> release() {
        return delegate.release();
    }

    @Override
    public CompletableFuture<Void> write(List<WriteOp> ops) {
        return delegate.write(ops);
    }

    @Override
    public Optional<Duration> renewDeadlineSlack() {
        return delegate.renewDeadlineSlack();
    }

    @Override
    public CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor) {
        return delegate.nameSuccessor(candidateId, validFor);
    }
}
