package org.vvmhost.services.cluster;

/** The container exists but does not accept messages: it is pending, stopping, or has ended. */
public class ContainerUnavailableException extends ClusterException {

    public ContainerUnavailableException(String message) {
        super(message);
    }
}
