package org.vvmhost.services.world;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every simulator container of one world shares: the component sets, the authority ledger, the seed and
 * geometry, and the line to the workload distributor.
 */
final class SimulatorHost {

    private final List<ComponentSet> sets;
    private final AuthorityTable authority;
    private final long seed;
    private final WorldGeometry geometry;
    private final Duration timeout;
    private final Consumer<WorkloadDistributor.Notice> notices;
    private volatile boolean closing;

    SimulatorHost(List<ComponentSet> sets, AuthorityTable authority, long seed, WorldGeometry geometry,
            Duration timeout, Consumer<WorkloadDistributor.Notice> notices) {
        this.sets = List.copyOf(sets);
        this.authority = authority;
        this.seed = seed;
        this.geometry = geometry;
        this.timeout = timeout;
        this.notices = notices;
    }

    List<ComponentSet> sets() {
        return sets;
    }

    int setIndex(String name) {
        for (int s = 0; s < sets.size(); s++) {
            if (sets.get(s).name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("this world has no component set '" + name + "'");
    }

    AuthorityTable authority() {
        return authority;
    }

    long seed() {
        return seed;
    }

    WorldGeometry geometry() {
        return geometry;
    }

    Duration timeout() {
        return timeout;
    }

    void post(WorkloadDistributor.Notice notice) {
        notices.accept(notice);
    }

    /** The world is closing: stop hooks hand nothing over. */
    boolean closing() {
        return closing;
    }

    void close() {
        closing = true;
    }
}
