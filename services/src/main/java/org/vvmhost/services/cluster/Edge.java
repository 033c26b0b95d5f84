package org.vvmhost.services.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The route from services to one container. It outlives restarts of the container (the runtime behind it
 * changes), so its added latency and counters persist; it goes away when the container resource is deleted.
 */
final class Edge {

    /** Longs between the two counts, so that they lie on cache lines of their own. */
    private static final int APART = 16;
    private static final int ROUTED = 0;
    private static final int SETTLED = APART;

    private final String container;
    /** Messages routed here (counted by senders) and settled (by the worker, mostly): two counts apart, so that
     *  sender and worker do not bounce one cache line between them for every message. */
    private final AtomicLongArray counts = new AtomicLongArray(APART + 1);
    private final AtomicLong extraLatencyNanos = new AtomicLong();
    private volatile ContainerRuntime runtime;

    Edge(String container) {
        this.container = container;
    }

    String container() {
        return container;
    }

    /** Messages routed here and not yet handled: what least-connections compares. */
    int inFlight() {
        // Settled first: a message is routed before it is settled, so the difference is never below the truth.
        long settled = counts.get(SETTLED);
        return (int) (counts.get(ROUTED) - settled);
    }

    void acquire() {
        counts.incrementAndGet(ROUTED);
    }

    void release() {
        counts.incrementAndGet(SETTLED);
    }

    long extraLatencyNanos() {
        return extraLatencyNanos.get();
    }

    /** Adds (or, negative, removes) latency; overlapping spikes add up. */
    void addLatency(long nanos) {
        extraLatencyNanos.addAndGet(nanos);
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    void runtime(ContainerRuntime current) {
        runtime = current;
    }

    @Override
    public String toString() {
        return "Edge[" + container + ", inFlight=" + inFlight() + "]";
    }
}
