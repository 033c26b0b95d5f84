package org.vvmhost.services.cluster;

import java.util.Objects;

/**
 * What the container controller observed. {@code ready} is true only while the worker runs and accepts messages;
 * services route only to ready containers. {@code restarts} counts restarts under the restart policy.
 */
public record ContainerStatus(Phase phase, boolean ready, String reason, int restarts) {

    /** The lifecycle of a container. */
    public enum Phase {
        /** Declared, worker not started yet (or waiting for a restart). */
        PENDING,
        /** The worker thread runs. */
        RUNNING,
        /** The worker ended after a graceful stop. */
        TERMINATED,
        /** The worker ended because its function threw, its image is unknown, or it was killed. */
        FAILED
    }

    public ContainerStatus {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(reason, "reason");
        if (ready && phase != Phase.RUNNING) {
            throw new IllegalArgumentException("only a RUNNING container can be ready, not " + phase);
        }
    }

    public static ContainerStatus pending() {
        return new ContainerStatus(Phase.PENDING, false, "", 0);
    }

    public boolean isEnded() {
        return phase == Phase.TERMINATED || phase == Phase.FAILED;
    }
}
