package org.vvmhost.vvm;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/** Walks a throwable's cause chain: the one place that does, for every module that asks what a failure came from. */
public final class Causes {

    private Causes() {
    }

    /** The first throwable of {@code type} in the cause chain of {@code error}, itself included; a cycle ends it. */
    public static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }
}
