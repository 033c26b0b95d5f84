package org.vvmhost.services.cluster;

/** No container, service or resource has the name used. */
public class UnknownTargetException extends ClusterException {

    public UnknownTargetException(String message) {
        super(message);
    }
}
