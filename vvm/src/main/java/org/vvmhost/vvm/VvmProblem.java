package org.vvmhost.vvm;

import java.util.Objects;

/** The first problem of a VVM. Written once; later problems are logged, not kept. */
public final class VvmProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ProblemKind kind;

    public VvmProblem(ProblemKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public ProblemKind kind() {
        return kind;
    }
}
