package org.vvmhost.services.world.service;

import java.util.Objects;

/** The leader did not take a request's commands; {@link #reason()} says why, and whether to retry. */
public final class CommandRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why commands were refused. */
    public enum Reason {
        /** Too many commands wait to be journaled: retry after a moment (HTTP 429). */
        BUSY,
        /** No world runs here: not the leader, or starting or stopping (HTTP 503). */
        UNAVAILABLE,
        /** This leader was deposed: its journal write was fenced off, nothing of it stored (HTTP 503). */
        NOT_LEADER,
        /** A journal write's outcome is unknown; this leader stops, and a successor replays what is durable (503). */
        OUTCOME_UNKNOWN,
        /** The idempotency key was used before for other commands (HTTP 409). */
        KEY_REUSED
    }

    private final Reason reason;

    public CommandRefusedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
