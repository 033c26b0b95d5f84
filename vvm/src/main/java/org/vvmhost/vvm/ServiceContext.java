package org.vvmhost.vvm;

import java.util.concurrent.CompletableFuture;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;

/** What a {@link Service} gets from the VVM when it starts. */
public interface ServiceContext {

    /** The leadership term the service runs under; every write to shared state goes through its fenced write. */
    Term term();

    /** The election's shared data, for reads (for example, the latest backup to restore). */
    DataStore data();

    /** Completes once, when the pipeline begins to stop. Long-running loops watch it. */
    CompletableFuture<Void> stopToken();

    /** A running service failed: this becomes the VVM's problem, and the VVM shuts down. */
    void reportFailure(Throwable cause);
}
