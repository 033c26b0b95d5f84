package org.vvmhost.leadership;

/**
 * A fenced write whose term still leads, but one of whose conditions ({@link WriteOp.Expect}, or the owner of a
 * {@link WriteOp.PutBound}) did not hold. Nothing of it was written.
 */
public final class WriteConditionFailedException extends LeadershipException {

    private static final long serialVersionUID = 1L;

    public WriteConditionFailedException(String message) {
        super(message);
    }
}
