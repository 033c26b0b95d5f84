package org.vvmhost.services.cluster;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The route from services to one container. It outlives restarts of the container (the runtime behind it
 * changes), so its added latency and counters persist; it goes away when the container resource is deleted.
 */
final class Edge {

    private final String container;
    private final AtomicInteger inFlight = new AtomicInteger();
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
        return inFlight.get();
    }

    void acquire() {
        inFlight.incrementAndGet();
    }

    void release() {
        inFlight.decrementAndGet();
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
        return "Edge[" + container + ", inFlight=" + inFlight.get() + "]";
    }
}
