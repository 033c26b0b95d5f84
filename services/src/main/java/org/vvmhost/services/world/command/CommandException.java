package org.vvmhost.services.world.command;

/**
 * A command that cannot be accepted. The message starts with the path of the offending field (for example
 * {@code commands[2].amount}) and says what is wrong and what was given; nothing of its batch was accepted.
 */
public final class CommandException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public CommandException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The path of the offending field, for example {@code commands[2].amount}. */
    public String field() {
        return field;
    }
}
