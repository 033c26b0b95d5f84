package org.vvmhost.services.world.core;

import java.util.Objects;

/**
 * Sole write access of one simulator to one component set in one area. Epochs grow with every grant the issuer
 * makes, so a grant that was superseded (the area moved on) is recognisably stale.
 */
public record AuthorityGrant(String set, int area, String simulator, long epoch) {

    public AuthorityGrant {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(simulator, "simulator");
    }

    @Override
    public String toString() {
        return set + "/area-" + area + "@" + simulator + "#" + epoch;
    }
}
