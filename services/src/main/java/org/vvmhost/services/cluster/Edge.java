package org.vvmhost.services.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The route from services to one container. It outlives restarts of the container (the runtime behind it
 * changes), so its added latency and counters persist; it goes away when the container resource is deleted.
 */
final class Edge {

    private final String container;
    /** Messages routed here (counted by senders) and settled (by the worker, mostly). */
    private final SenderWorkerCounts counts = new SenderWorkerCounts();
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
        long settled = counts.worker();
        return (int) (counts.senders() - settled);
    }

    void acquire() {
        counts.addSender();
    }

    void release() {
        counts.addWorker();
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
