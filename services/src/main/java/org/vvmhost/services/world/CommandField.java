package org.vvmhost.services.world;

import java.util.Objects;

/**
 * One field of a command, or one column a spawn may set: a number in {@code [min, max]}, whole if {@code integer}.
 *
 * @param description what the field means, for the list of kinds the API shows
 */
public record CommandField(String name, boolean integer, double min, double max, String description) {

    public CommandField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (!(min <= max)) {
            throw new IllegalArgumentException("field " + name + ": min " + min + " is above max " + max);
        }
    }

    public static CommandField number(String name, double min, double max, String description) {
        return new CommandField(name, false, min, max, description);
    }

    public static CommandField integer(String name, long min, long max, String description) {
        return new CommandField(name, true, min, max, description);
    }
}
