package org.vvmhost.services.world;

/**
 * Input refused because of one field: the message starts with the field's path, then says what is wrong and what was
 * given.
 */
public abstract class FieldException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    protected FieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The path of the offending field, for example {@code world.areas.rows} or {@code commands[2].amount}. */
    public String field() {
        return field;
    }

    /** What is wrong with the field, without its path. */
    public String problem() {
        return getMessage().substring(field.length() + 2);
    }
}
