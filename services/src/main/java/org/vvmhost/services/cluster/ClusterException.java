package org.vvmhost.services.cluster;

/** Base of the cluster's errors; each subclass names one way an operation can fail. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
