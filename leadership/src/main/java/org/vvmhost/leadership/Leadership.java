package org.vvmhost.leadership;

/**
 * Who leads. One {@code Leadership} belongs to one candidate (one process). It campaigns, and a won campaign
 * yields a {@link Term}. Implementations: etcd, and an in-memory election for the embedded default and tests.
 *
 * <p>Legal use: {@link #campaign()} at most once at a time; {@link #close()} after the last term is released or
 * lost. Close releases clients and threads, not terms.
 */
public interface Leadership extends AutoCloseable {

    /** What this leadership runs on, for log lines: for example {@code etcd [http://127.0.0.1:2379]}. */
    String description();

    /** The candidate this leadership campaigns for. */
    Candidate candidate();

    /**
     * Starts a campaign and returns at once. The campaign waits (watching, never polling) until this candidate
     * leads, then checks that its claim still stands before it reports a {@link Term}.
     *
     * @throws IllegalStateException if a campaign of this leadership is still running, or after close
     */
    Campaign campaign();

    /** Reads and watches the shared data of this election. Writes go through a {@link Term}. */
    DataStore data();

    /** Closes clients and stops threads. Idempotent. Does not release a term: release it first. */
    @Override
    void close();
}
