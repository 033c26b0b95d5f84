package org.vvmhost.leadership;

import java.time.Instant;
import java.util.Objects;

/**
 * Who campaigns: a process-unique id, plus where it runs. Stored as the value of the candidate's election key,
 * so that {@code etcdctl elect -l} and {@code vvmhost status} show it.
 */
public record Candidate(String id, String host, long pid, Instant startedAt) {

    public Candidate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        if (id.isBlank()) {
            throw new IllegalArgumentException("candidate id must not be blank");
        }
    }
}
