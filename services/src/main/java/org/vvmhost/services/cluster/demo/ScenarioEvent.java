package org.vvmhost.services.cluster.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * One event of a scenario, with times relative to the scenario's start.
 *
 * @param end      the end of an interval event (SERVER_DOWN, NETWORK_SPIKE); null for an instant event
 * @param spike    the added latency of a NETWORK_SPIKE; zero otherwise
 * @param replicas the target replicas of a SCALE; -1 otherwise
 */
public record ScenarioEvent(String id, EventKind kind, String target, Duration start, Duration end, Duration spike,
                            int replicas) {

    public ScenarioEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(spike, "spike");
    }

    public static ScenarioEvent outage(String id, String container, Duration down, Duration up) {
        return new ScenarioEvent(id, EventKind.SERVER_DOWN, container, down, up, Duration.ZERO, -1);
    }

    public static ScenarioEvent spike(String id, String container, Duration start, Duration end, Duration latency) {
        return new ScenarioEvent(id, EventKind.NETWORK_SPIKE, container, start, end, latency, -1);
    }

    public static ScenarioEvent kill(String id, String target, Duration at) {
        return new ScenarioEvent(id, EventKind.CONTAINER_KILL, target, at, null, Duration.ZERO, -1);
    }

    public static ScenarioEvent stop(String id, String target, Duration at) {
        return new ScenarioEvent(id, EventKind.CONTAINER_STOP, target, at, null, Duration.ZERO, -1);
    }

    public static ScenarioEvent scale(String id, String replicaSet, Duration at, int replicas) {
        return new ScenarioEvent(id, EventKind.SCALE, replicaSet, at, null, Duration.ZERO, replicas);
    }
}
