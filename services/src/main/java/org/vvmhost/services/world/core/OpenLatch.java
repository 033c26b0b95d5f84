package org.vvmhost.services.world.core;

/** Whether a world is still open: every coordinator refuses work after its close, with the same message. */
public final class OpenLatch {

    private boolean closed;

    /** @throws IllegalStateException once closed */
    public void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the world is closed");
        }
    }

    /** Closes; true only for the first call, so that a close runs once. */
    public boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }
}
