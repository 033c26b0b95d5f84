package org.vvmhost.services.world;

/** A world config that cannot be used. The message names the field, what is wrong, and what was given. */
public final class WorldConfigException extends FieldException {

    private static final long serialVersionUID = 1L;

    /** {@code field} is the dotted path of the offending field, for example {@code world.areas.rows}. */
    public WorldConfigException(String field, String message) {
        super(field, message);
    }

    static void require(boolean condition, String field, String rule, Object given) {
        if (!condition) {
            throw new WorldConfigException(field, rule + ", got " + given);
        }
    }
}
