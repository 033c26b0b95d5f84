package org.vvmhost.services.world.command;

import org.vvmhost.services.world.FieldException;

/**
 * A command that cannot be accepted. The message starts with the path of the offending field (for example
 * {@code commands[2].amount}) and says what is wrong and what was given; nothing of its batch was accepted.
 */
public final class CommandException extends FieldException {

    private static final long serialVersionUID = 1L;

    public CommandException(String field, String problem) {
        super(field, problem);
    }
}
