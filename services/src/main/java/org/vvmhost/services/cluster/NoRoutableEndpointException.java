package org.vvmhost.services.cluster;

/** The service has no routable edge: no ready container matches, or all are down. */
public class NoRoutableEndpointException extends ClusterException {

    public NoRoutableEndpointException(String message) {
        super(message);
    }
}
