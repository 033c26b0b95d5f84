package org.vvmhost.services.cluster;

/** The target container's bounded mailbox is full: back off and retry (backpressure). */
public class MailboxFullException extends ClusterException {

    public MailboxFullException(String message) {
        super(message);
    }
}
