package org.vvmhost.services.world;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A command from outside the world, applied at the start of the tick it was journaled for, in sequence order, before
 * the simulators step. Plain values only, so a command can be journaled and sent to a simulator as it is. A command
 * that names an entity gone by its tick changes nothing (it is counted as ignored).
 */
public sealed interface WorldCommand permits WorldCommand.Spawn, WorldCommand.Despawn, WorldCommand.OnEntity {

    String SPAWN = "spawn";
    String DESPAWN = "despawn";

    /**
     * The first id of entities spawned by a command: a spawn's entity is {@code SPAWNED_IDS + its sequence number},
     * known as soon as it is journaled (so its acknowledgement names it, and a retry gets the same one) and kept apart
     * from the ids the world gives the newborn, which count up from {@code world.entities}. Below 2^53, so that
     * JavaScript reads it exactly.
     */
    long SPAWNED_IDS = 1_000_000_000_000_000L;

    /** The kind's name, as clients write it: {@code spawn}, {@code despawn}, or a kind of a component set. */
    String kind();

    /**
     * A new entity at ({@code x}, {@code y}), with every enabled set's own spawn values, overridden by
     * {@code components} (set → column → value). Its id is {@link #SPAWNED_IDS} plus its sequence number.
     */
    record Spawn(double x, double y, Map<String, Map<String, Double>> components) implements WorldCommand {
        public Spawn {
            Map<String, Map<String, Double>> sorted = new TreeMap<>();
            Objects.requireNonNull(components, "components").forEach((set, columns) ->
                    sorted.put(set, Collections.unmodifiableMap(new TreeMap<>(columns))));
            components = Collections.unmodifiableMap(sorted);
        }

        @Override
        public String kind() {
            return SPAWN;
        }
    }

    /** Removes {@code entity} from every set, as a death does, but with no one born in its place. */
    record Despawn(long entity) implements WorldCommand {
        @Override
        public String kind() {
            return DESPAWN;
        }
    }

    /** A command of a component set's kind on one entity, for example {@code damage} with {@code amount}. */
    record OnEntity(String kind, long entity, Map<String, Double> fields) implements WorldCommand {
        public OnEntity {
            Objects.requireNonNull(kind, "kind");
            fields = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(fields, "fields")));
        }

        /** The value of field {@code name}; the catalog has checked that it is there. */
        public double field(String name) {
            Double value = fields.get(name);
            if (value == null) {
                throw new IllegalArgumentException(kind + " has no field '" + name + "'");
            }
            return value;
        }
    }
}
