package org.vvmhost.host.drill;

/**
 * The drill cannot go on: an awaited event did not happen in time (no replica took over, a replica did not start).
 * That breaks a promise too; its message says what was awaited, with the last lines of the replicas concerned.
 */
public final class DrillException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DrillException(String message) {
        super(message);
    }
}
