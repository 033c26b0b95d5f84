package org.vvmhost.services.world;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A kind of command a component set handles on one entity: {@code {"kind": name, "entity": id, fields...}}.
 *
 * @param fields every field is required
 */
public record CommandKind(String name, String description, List<CommandField> fields) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    public CommandKind {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        fields = List.copyOf(fields);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("command kind '" + name + "' must be lower-case letters, digits and "
                    + "dashes, starting with a letter");
        }
        if (name.equals(WorldCommand.SPAWN) || name.equals(WorldCommand.DESPAWN)) {
            throw new IllegalArgumentException("command kind '" + name + "' is built in");
        }
        for (CommandField field : fields) {
            if (field.name().equals("kind") || field.name().equals("entity")) {
                throw new IllegalArgumentException("command kind " + name + ": a field may not be called '"
                        + field.name() + "'");
            }
        }
    }
}
