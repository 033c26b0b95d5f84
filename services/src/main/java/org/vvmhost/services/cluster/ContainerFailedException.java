package org.vvmhost.services.cluster;

/** The container's function threw while handling the message, or the container was killed with it queued. */
public class ContainerFailedException extends ClusterException {

    public ContainerFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public ContainerFailedException(String message) {
        super(message);
    }
}
