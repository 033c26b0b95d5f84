package org.vvmhost.services.cluster.demo;

/** The kinds of scenario event. SERVER_DOWN and NETWORK_SPIKE span an interval; the others happen at an instant. */
public enum EventKind {
    /** The target container leaves its services' routable edge sets at {@code t_start} and comes back (SERVER_UP)
     *  at {@code t_end}; it keeps running. */
    SERVER_DOWN,
    /** Only as the end mark of a SERVER_DOWN interval; a scenario cannot list it as an event of its own. */
    SERVER_UP,
    /** Adds {@code spike_s} of latency to the target container's edge from {@code t_start} to {@code t_end}. */
    NETWORK_SPIKE,
    /** Kills the target container (or one replica of the target ReplicaSet), ungracefully. */
    CONTAINER_KILL,
    /** Stops the target container (or one replica of the target ReplicaSet) gracefully. */
    CONTAINER_STOP,
    /** Sets the target ReplicaSet's replicas to {@code replicas}. */
    SCALE;

    public boolean isInterval() {
        return this == SERVER_DOWN || this == NETWORK_SPIKE;
    }
}
