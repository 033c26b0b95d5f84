package org.vvmhost.services.cluster;

import java.util.SplittableRandom;

/** Picks an edge from the routable set it is given. It knows nothing of outages: a down server is simply absent. */
interface Balancer {

    /** The chosen edge, or null if the set is empty. */
    Edge pick(RoutableEdges edges);

    static Balancer of(BalancerKind kind, long seed) {
        return switch (kind) {
            case ROUND_ROBIN -> RoutableEdges::rotate;
            case LEAST_CONNECTIONS -> RoutableEdges::leastInFlight;
            case RANDOM -> {
                SplittableRandom random = new SplittableRandom(seed);
                yield edges -> edges.random(random);
            }
        };
    }
}
