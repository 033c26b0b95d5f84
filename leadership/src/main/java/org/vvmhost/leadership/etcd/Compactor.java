package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.ElectionLayout.bytes;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.time.Clock;

/**
 * The leader compacts etcd's history behind it, so that the world views it keeps writing do not fill etcd's space
 * quota. Every {@code retention} it notes etcd's revision and compacts to the one it noted the round before, so
 * between one and two retentions of history stay readable (kube-apiserver compacts the same way, every 5 minutes).
 *
 * <p>Compaction is not a key write and cannot be fenced by a transaction's compare: a deposed leader that has not
 * noticed yet may compact once more. That is harmless, because it only drops revisions older than the retention, never
 * a current value, and its successor compacts the same way.
 */
final class Compactor {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final KV kv;
    private final EtcdIdentity identity;
    private final Clock clock;
    private final Duration retention;
    private final String anyKey;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Only the one round in flight touches it. */
    private long noted;
    private volatile Clock.Scheduled next;

    Compactor(KV kv, EtcdIdentity identity, Clock clock, Duration retention, String anyKey) {
        this.kv = kv;
        this.identity = identity;
        this.clock = clock;
        this.retention = retention;
        this.anyKey = anyKey;
    }

    void start() {
        schedule();
    }

    /** Stops compacting; a round in flight finishes. Idempotent. */
    void stop() {
        if (stopped.compareAndSet(false, true)) {
            Clock.Scheduled scheduled = next;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }
    }

    private void schedule() {
        if (!stopped.get()) {
            next = clock.schedule(retention, this::round);
        }
    }

    private void round() {
        if (stopped.get()) {
            return;
        }
        // Any read tells the current revision in its header.
        GetOption countOnly = GetOption.builder().withCountOnly(true).build();
        identity.track(() -> kv.get(bytes(anyKey), countOnly), true)
                .thenCompose(current -> {
                    long compactTo = noted;
                    noted = current.getHeader().getRevision();
                    if (compactTo <= 0 || stopped.get()) {
                        return java.util.concurrent.CompletableFuture.completedFuture(null);
                    }
                    return identity.track(() -> kv.compact(compactTo, CompactOption.DEFAULT), true)
                            .thenAccept(done -> LOG.debug("compacted etcd's history up to revision {}", compactTo));
                })
                .whenComplete((done, failure) -> {
                    if (failure != null && !String.valueOf(EtcdErrors.rootMessage(failure)).contains("compacted")) {
                        LOG.warn("could not compact etcd's history: {}; trying again in the next round",
                                EtcdErrors.translate("compact", failure).getMessage());
                    }
                    schedule();
                });
    }
}
