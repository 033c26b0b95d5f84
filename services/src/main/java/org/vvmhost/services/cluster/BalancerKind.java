package org.vvmhost.services.cluster;

/** How a service picks one of its routable edges. */
public enum BalancerKind {
    ROUND_ROBIN("RoundRobin"),
    LEAST_CONNECTIONS("LeastConnections"),
    RANDOM("Random");

    private final String manifestName;

    BalancerKind(String manifestName) {
        this.manifestName = manifestName;
    }

    public String manifestName() {
        return manifestName;
    }
}
