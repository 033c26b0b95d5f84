package org.vvmhost.testing;

import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Leadership;

/** A leadership that forwards every call to another; a test overrides the calls it wants to note. */
public class ForwardingLeadership implements Leadership {

    private final Leadership delegate;

    public ForwardingLeadership(Leadership delegate) {
        this.delegate = delegate;
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public Candidate candidate() {
        return delegate.candidate();
    }

    @Override
    public Campaign campaign() {
        return delegate.campaign();
    }

    @Override
    public DataStore data() {
        return delegate.data();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
