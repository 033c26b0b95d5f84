package org.vvmhost.services.cluster.demo;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** A timeline of events over {@code horizon}. Validate it against the manifests with {@link Scenarios#validate}. */
public record Scenario(Duration horizon, List<ScenarioEvent> events) {

    public Scenario {
        Objects.requireNonNull(horizon, "horizon");
        events = List.copyOf(events);
    }

    public static Scenario empty(Duration horizon) {
        return new Scenario(horizon, List.of());
    }
}
