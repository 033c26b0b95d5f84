package org.vvmhost.leadership;

import java.time.Instant;
import java.util.Objects;

/**
 * Who campaigns: a process-unique id, plus where it runs and where its HTTP API answers. Stored as the value of the
 * candidate's election key, so that {@code etcdctl elect -l} and {@code vvmhost status} show it.
 *
 * @param advertiseUrl the base URL of the candidate's HTTP API; empty if it has none
 */
public record Candidate(String id, String host, long pid, Instant startedAt, String advertiseUrl) {

    public Candidate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(advertiseUrl, "advertiseUrl");
        if (id.isBlank()) {
            throw new IllegalArgumentException("candidate id must not be blank");
        }
    }

    /** A candidate that advertises no HTTP API. */
    public Candidate(String id, String host, long pid, Instant startedAt) {
        this(id, host, pid, startedAt, "");
    }
}
