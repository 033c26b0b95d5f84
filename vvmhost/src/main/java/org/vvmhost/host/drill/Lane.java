package org.vvmhost.host.drill;

import java.time.Instant;
import java.util.List;

/**
 * One replica's line on the timeline: from its start to its exit (or the end of the drill), the spans of what it was
 * (starting, standing by, leading, frozen, deposed but still running) and its marks (services started, world views
 * saved, signals and faults it received, its exit).
 */
record Lane(String replica, Instant from, Instant to, List<Span> spans, List<Mark> marks, List<Cut> cuts) {

    Lane {
        spans = List.copyOf(spans);
        marks = List.copyOf(marks);
        cuts = List.copyOf(cuts);
    }

    enum State {
        /** Started, not yet in the election. */
        STARTING,
        /** A candidate waiting in the election. */
        STANDBY,
        /** Leading, from {@code leadership acquired} until its services stopped. */
        LEADING,
        /** Frozen by SIGSTOP. */
        FROZEN,
        /** Deposed but still running (after a freeze, or a leader that lost its lease and is stopping). */
        DEPOSED,
        /** Stopping: its term ended, the process has not exited yet. */
        STOPPING
    }

    /** {@code label}: the fencing token of a leading span. */
    record Span(State state, Instant from, Instant to, String label) {
    }

    enum MarkKind {
        SERVICES_STARTED, SAVED_VIEW, SIGNAL, EXIT
    }

    record Mark(MarkKind kind, Instant at, String label) {
    }

    /** A while it was cut off from etcd. */
    record Cut(Instant from, Instant to) {
    }
}
