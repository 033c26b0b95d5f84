package org.vvmhost.vvm;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;

/**
 * A service context for one term, without a VVM around it: reported failures are queued for the test, and
 * {@link #stop} completes the stop token. Shared with the services' and the host's tests through the test-jar.
 */
public final class ElectionContext implements ServiceContext {

    private final Term term;
    private final DataStore data;
    private final CompletableFuture<Void> stopToken = new CompletableFuture<>();
    public final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

    public ElectionContext(Term term, DataStore data) {
        this.term = term;
        this.data = data;
    }

    @Override
    public Term term() {
        return term;
    }

    @Override
    public DataStore data() {
        return data;
    }

    @Override
    public CompletableFuture<Void> stopToken() {
        return stopToken.copy();
    }

    /** The VVM stops its services. */
    public void stop() {
        stopToken.complete(null);
    }

    @Override
    public void reportFailure(Throwable cause) {
        failures.add(cause);
    }
}
