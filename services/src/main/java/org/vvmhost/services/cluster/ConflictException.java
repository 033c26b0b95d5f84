package org.vvmhost.services.cluster;

/** An update or delete carried a resourceVersion that is no longer current: read again and retry. */
public class ConflictException extends ClusterException {

    public ConflictException(String message) {
        super(message);
    }
}
