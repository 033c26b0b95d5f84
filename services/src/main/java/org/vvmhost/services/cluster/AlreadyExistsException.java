package org.vvmhost.services.cluster;

/** A create used a name that a resource of the same kind already has. */
public class AlreadyExistsException extends ClusterException {

    public AlreadyExistsException(String message) {
        super(message);
    }
}
