package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.time.Timers;
import org.vvmhost.time.Clock;

/**
 * The work queue of one controller: keys to reconcile, deduplicated (a key queued twice is reconciled once), run
 * one at a time on the controller's serial executor, plus a periodic resync that queues every key. Reconciling is
 * level-based: it reads the store and the actual state each time, so a lost or merged trigger does no harm.
 */
final class ControllerLoop {

    private static final Logger log = LoggerFactory.getLogger(ControllerLoop.class);

    private final String name;
    private final SerialExecutor executor;
    private final Clock clock;
    private final Duration resyncPeriod;
    private final Reconciler reconciler;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private volatile Clock.Scheduled resync;
    private volatile boolean closed;

    ControllerLoop(String name, SerialExecutor executor, ClusterOptions options, Reconciler reconciler) {
        this.name = name;
        this.executor = executor;
        this.clock = options.clock();
        this.resyncPeriod = options.resyncPeriod();
        this.reconciler = reconciler;
    }

    void start() {
        armResync();
    }

    /** Queues the keys {@code event} concerns. */
    void onEvent(WatchEvent event) {
        reconciler.keysOf(event, this::enqueue);
    }

    /** Queues {@code key} unless it is already queued. */
    void enqueue(String key) {
        if (closed || !queued.add(key)) {
            return;
        }
        try {
            executor.execute(() -> {
                queued.remove(key);
                if (closed) {
                    return;
                }
                try {
                    reconciler.reconcile(key);
                } catch (ClusterException e) {
                    // A lost race (conflict, vanished resource): the next event or resync reconciles again.
                    log.debug("{}: reconcile of '{}' will be retried: {}", name, key, e.getMessage());
                } catch (RuntimeException e) {
                    log.error("{}: reconcile of '{}' failed; the next resync retries it", name, key, e);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(key);
        }
    }

    /** Runs {@code task} on this controller's executor, in order with the reconciles. */
    void run(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("{}: closed, task dropped", name);
        }
    }

    void resyncNow() {
        for (String key : reconciler.allKeys()) {
            enqueue(key);
        }
    }

    private void armResync() {
        if (closed) {
            return;
        }
        resync = clock.schedule(resyncPeriod, () -> {
            run(this::resyncNow);
            armResync();
        });
    }

    /** Stops the resync and the executor, and joins its thread. Idempotent. */
    void close(Duration timeout) {
        closed = true;
        Clock.Scheduled pending = resync;
        Timers.cancel(pending);
        executor.shutdown();
        if (!executor.awaitTermination(timeout)) {
            executor.shutdownNow();
            executor.awaitTermination(timeout);
        }
    }
}
