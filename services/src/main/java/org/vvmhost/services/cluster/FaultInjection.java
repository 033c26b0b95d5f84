package org.vvmhost.services.cluster;

import java.time.Duration;

/**
 * Planned faults on a running cluster's network, as a scenario injects them: outages of a container's edge and
 * added latency. The containers keep running; only routing and delivery change. Get it from {@link
 * Cluster#faults()}.
 */
public interface FaultInjection {

    /** Makes a container unroutable in every service (it keeps running). O(1) per service. */
    void markDown(String container);

    /** Makes a container routable again; it rejoins each service's order at the end. O(1) per service. */
    void markUp(String container);

    /** Adds latency to the edge of a container (negative removes it); spikes add up. */
    void addLatency(String container, Duration extra);
}
