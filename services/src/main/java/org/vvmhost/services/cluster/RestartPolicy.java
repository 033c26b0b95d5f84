package org.vvmhost.services.cluster;

/** What the container controller does when a container's worker ends. */
public enum RestartPolicy {
    /** Restart after any end, failure or graceful stop. */
    ALWAYS,
    /** Restart only after a failure (the function threw, or the container was killed). */
    ON_FAILURE,
    /** Never restart. */
    NEVER;

    /** Whether a container that ended in {@code phase} is started again. */
    public boolean restarts(ContainerStatus.Phase phase) {
        return switch (this) {
            case ALWAYS -> phase == ContainerStatus.Phase.FAILED || phase == ContainerStatus.Phase.TERMINATED;
            case ON_FAILURE -> phase == ContainerStatus.Phase.FAILED;
            case NEVER -> false;
        };
    }
}
