package org.vvmhost.services.world;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The component sets a world can enable, by name. Immutable: {@link #with} returns a new registry. */
public record ComponentSetRegistry(Map<String, ComponentSet> sets) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    public ComponentSetRegistry {
        Objects.requireNonNull(sets, "sets");
        for (Map.Entry<String, ComponentSet> entry : sets.entrySet()) {
            if (!NAME.matcher(entry.getKey()).matches()) {
                throw new IllegalArgumentException("component set name '" + entry.getKey()
                        + "' must be lower-case letters, digits and dashes, starting with a letter");
            }
            if (!entry.getKey().equals(entry.getValue().name())) {
                throw new IllegalArgumentException("component set registered as '" + entry.getKey()
                        + "' is named '" + entry.getValue().name() + "'");
            }
        }
        sets = java.util.Collections.unmodifiableMap(new TreeMap<>(sets));
    }

    /** physics = {Position, Velocity} and vitality = {Health}. */
    public static ComponentSetRegistry builtIn() {
        return new ComponentSetRegistry(Map.of()).with(new PhysicsSet()).with(new VitalitySet());
    }

    public ComponentSetRegistry with(ComponentSet set) {
        Objects.requireNonNull(set, "set");
        if (sets.containsKey(set.name())) {
            throw new IllegalArgumentException("a component set named '" + set.name() + "' is already registered");
        }
        Map<String, ComponentSet> copy = new TreeMap<>(sets);
        copy.put(set.name(), set);
        return new ComponentSetRegistry(copy);
    }

    /** The set enabled under {@code world.component-sets.<name>}, or an error naming that field. */
    public ComponentSet require(String name) {
        ComponentSet set = sets.get(name);
        if (set == null) {
            throw new WorldConfigException("world.component-sets." + name,
                    "unknown component set; registered: " + String.join(", ", sets.keySet()));
        }
        return set;
    }
}
