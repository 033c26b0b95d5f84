package org.vvmhost.leadership;

/** A fenced write whose token no longer leads. Nothing of it was written. */
public final class FencedWriteRejectedException extends LeadershipException {

    private static final long serialVersionUID = 1L;

    private final FencingToken fencingToken;

    public FencedWriteRejectedException(FencingToken fencingToken, String message) {
        super(message);
        this.fencingToken = fencingToken;
    }

    public FencingToken fencingToken() {
        return fencingToken;
    }
}
