package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.vvmhost.time.Clock;

/** What a container's function can use. Valid for the life of one worker (one start of the container). */
public interface ContainerContext {

    /** The container's name. */
    String name();

    /** The container as it was when this worker started. */
    Container container();

    /** Shorthand for {@code container().spec().config()}. */
    default Map<String, String> config() {
        return container().spec().config();
    }

    /** The cluster's clock: use it for delays (it is virtual in a virtual cluster). */
    Clock clock();

    /** Sends to other containers and services (and to this one: {@code cluster().send(name(), msg)}). */
    Messaging cluster();

    /** A random generator seeded from the cluster seed and the container's name; use only on the worker. */
    RandomGenerator random();
}
