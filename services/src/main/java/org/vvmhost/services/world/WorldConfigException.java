package org.vvmhost.services.world;

/** A world config that cannot be used. The message names the field, what is wrong, and what was given. */
public final class WorldConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public WorldConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The dotted path of the offending field, for example {@code world.areas.rows}. */
    public String field() {
        return field;
    }

    static void require(boolean condition, String field, String rule, Object given) {
        if (!condition) {
            throw new WorldConfigException(field, rule + ", got " + given);
        }
    }
}
