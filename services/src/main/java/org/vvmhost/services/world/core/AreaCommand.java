package org.vvmhost.services.world.core;

import java.util.Map;
import java.util.Objects;
import org.vvmhost.services.world.WorldCommand;

/**
 * What one command asks of one (component set, area), as the coordinator routed it: plain values, so that it travels
 * to a simulator container with the step that applies it. Applied at the start of the tick, before the set ticks.
 */
public sealed interface AreaCommand {

    /** Spawn {@code entity} at ({@code x}, {@code y}): the set's own spawn, then {@code columns} over it. */
    record Add(long entity, float x, float y, Map<String, Double> columns) implements AreaCommand {
        public Add {
            columns = Map.copyOf(Objects.requireNonNull(columns, "columns"));
        }
    }

    /** Delete {@code entity} from the set. */
    record Remove(long entity) implements AreaCommand {
    }

    /** Apply a command of the set's own kinds to its entity. */
    record Act(WorldCommand.OnEntity command) implements AreaCommand {
        public Act {
            Objects.requireNonNull(command, "command");
        }
    }
}
