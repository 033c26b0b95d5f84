package org.vvmhost.services.world.service;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;
import org.vvmhost.vvm.ServiceContext;

/** A service context for one term, without a VVM around it: reported failures are queued for the test. */
final class ElectionContext implements ServiceContext {

    private final Term term;
    private final DataStore data;
    private final CompletableFuture<Void> stopToken = new CompletableFuture<>();
    final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

    ElectionContext(Term term, DataStore data) {
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

    @Override
    public void reportFailure(Throwable cause) {
        failures.add(cause);
    }
}
