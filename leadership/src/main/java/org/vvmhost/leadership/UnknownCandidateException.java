package org.vvmhost.leadership;

/** A candidate was named (for a switchover) that is not in the election. Nothing was written. */
public final class UnknownCandidateException extends LeadershipException {

    private static final long serialVersionUID = 1L;

    public UnknownCandidateException(String message) {
        super(message);
    }
}
