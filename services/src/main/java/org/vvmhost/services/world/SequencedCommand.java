package org.vvmhost.services.world;

import java.util.Objects;

/** A command with the sequence number the leader gave it; a tick applies its commands in this order. */
public record SequencedCommand(long seq, WorldCommand command) {

    public SequencedCommand {
        Objects.requireNonNull(command, "command");
        if (seq < 0) {
            throw new IllegalArgumentException("a sequence number is ≥ 0, got " + seq);
        }
    }
}
