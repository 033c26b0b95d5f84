package org.vvmhost.host;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What this replica is doing, as one immutable snapshot: its phase, its current term, its problem and the terms it
 * held. Each event returns the next snapshot; nothing here reads a clock or does I/O, so the table is tested as is.
 *
 * <p>Phases: {@code STARTING → CAMPAIGNING → ACQUIRED → SERVING}, and {@code SERVING → SWITCHING_OVER} when a
 * switchover begins; a stop request moves any live phase to {@code STOPPING}, a problem (leadership lost, a service
 * failed) to {@code FAILED}, and the end of the last VVM to {@code STOPPED} unless it failed. A term released while not
 * stopping goes back to {@code CAMPAIGNING}, and so does the launch of a new VVM after one gave its term up.
 *
 * @param since   when the phase began
 * @param term    the term held now: from {@code ACQUIRED} until it is released or lost
 * @param problem the first problem; present if and only if the phase is {@code FAILED}
 * @param history the terms held, newest first, the current one included; at most {@link #HISTORY_LIMIT}
 */
record ReplicaState(Phase phase, Instant since, Optional<Tenure> term, Optional<String> problem,
                    Optional<String> stopReason, List<Tenure> history) {

    static final int HISTORY_LIMIT = 100;

    enum Phase {
        /** The HTTP API answers; the VVM has not launched yet. */
        STARTING,
        /** A standby: the campaign runs. */
        CAMPAIGNING,
        /** Leadership won; the services are starting. */
        ACQUIRED,
        /** The leader, with its services started. */
        SERVING,
        /** The leader, handing over in a switchover: services stop, the final backup is written, the term released. */
        SWITCHING_OVER,
        /** A graceful shutdown was requested. */
        STOPPING,
        /** The VVM has a problem and is shutting down (or was halted). */
        FAILED,
        /** The VVM shut down without a problem. */
        STOPPED
    }

    /**
     * One term as this replica saw it.
     *
     * @param fencingToken    the term's fencing token, as text (its form belongs to the leadership)
     * @param switchoverTo    the candidate a switchover hands this term to, once one was asked for
     * @param end             empty while it lasts, then {@code released}, {@code released: switchover to <id>} or
     *                        {@code lost: <reason>}
     */
    record Tenure(String fencingToken, String leaderKey, String leaderId, Instant from,
                  Optional<Instant> servicesStarted, Optional<String> switchoverTo, Optional<Instant> to,
                  Optional<String> end) {

        Tenure {
            Objects.requireNonNull(fencingToken, "fencingToken");
            Objects.requireNonNull(leaderKey, "leaderKey");
            Objects.requireNonNull(leaderId, "leaderId");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(servicesStarted, "servicesStarted");
            Objects.requireNonNull(switchoverTo, "switchoverTo");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(end, "end");
        }

        Tenure servicesStartedAt(Instant at) {
            return new Tenure(fencingToken, leaderKey, leaderId, from, Optional.of(at), switchoverTo, to, end);
        }

        Tenure handingOverTo(String successor) {
            return new Tenure(fencingToken, leaderKey, leaderId, from, servicesStarted, Optional.of(successor), to,
                    end);
        }

        Tenure ended(Instant at, String how) {
            return new Tenure(fencingToken, leaderKey, leaderId, from, servicesStarted, switchoverTo, Optional.of(at),
                    Optional.of(how));
        }
    }

    ReplicaState {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(term, "term");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(stopReason, "stopReason");
        history = List.copyOf(history);
        if (problem.isPresent() != (phase == Phase.FAILED)) {
            throw new IllegalArgumentException("a problem is present if and only if the phase is FAILED, not "
                    + phase + " with " + problem);
        }
        if (term.isPresent() && (history.isEmpty() || !history.get(0).equals(term.get()))) {
            throw new IllegalArgumentException("the current term must head the history");
        }
    }

    static ReplicaState starting(Instant at) {
        return new ReplicaState(Phase.STARTING, at, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    /**
     * A VVM launched: it campaigns, the first one or one launched after the previous gave its term up. A term still
     * open is one that VVM gave up without saying how it ended (its release failed, or its lease ran out meanwhile).
     */
    ReplicaState launched(Instant at) {
        if (!live() || phase == Phase.STOPPING) {
            return this;
        }
        ReplicaState ended = endTerm(at, "given up", phase);
        return ended.phase == Phase.CAMPAIGNING ? ended : ended.withPhase(Phase.CAMPAIGNING, at);
    }

    ReplicaState acquired(String fencingToken, String leaderKey, String leaderId, Instant at) {
        Tenure tenure = new Tenure(fencingToken, leaderKey, leaderId, at, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        List<Tenure> terms = new ArrayList<>();
        terms.add(tenure);
        terms.addAll(history.subList(0, Math.min(history.size(), HISTORY_LIMIT - 1)));
        Phase next = live() && phase != Phase.STOPPING ? Phase.ACQUIRED : phase;
        return new ReplicaState(next, next == phase ? since : at, Optional.of(tenure), problem, stopReason, terms);
    }

    ReplicaState servicesStarted(Instant at) {
        if (term.isEmpty()) {
            return this;
        }
        Tenure started = term.get().servicesStartedAt(at);
        Phase next = phase == Phase.ACQUIRED ? Phase.SERVING : phase;
        return new ReplicaState(next, next == phase ? since : at, Optional.of(started), problem, stopReason,
                replaceHead(started));
    }

    /** The leader begins handing over to {@code successor}; the term ends as a switchover once it is released. */
    ReplicaState switchoverRequested(String successor, Instant at) {
        if (phase != Phase.SERVING) {
            return this;
        }
        Tenure handing = term.get().handingOverTo(successor);
        return new ReplicaState(Phase.SWITCHING_OVER, at, Optional.of(handing), problem, stopReason,
                replaceHead(handing));
    }

    /** A switchover asked for that did not begin: the term goes on, or ends, as if none had been asked for. */
    ReplicaState switchoverCancelled(Instant at) {
        if (term.isEmpty() || term.get().switchoverTo().isEmpty()) {
            return this;
        }
        Tenure kept = new Tenure(term.get().fencingToken(), term.get().leaderKey(), term.get().leaderId(),
                term.get().from(), term.get().servicesStarted(), Optional.empty(), Optional.empty(),
                Optional.empty());
        Phase next = phase == Phase.SWITCHING_OVER ? Phase.SERVING : phase;
        return new ReplicaState(next, next == phase ? since : at, Optional.of(kept), problem, stopReason,
                replaceHead(kept));
    }

    ReplicaState released(Instant at) {
        String how = term.flatMap(Tenure::switchoverTo).map(to -> "released: switchover to " + to).orElse("released");
        return endTerm(at, how, phase == Phase.ACQUIRED || phase == Phase.SERVING || phase == Phase.SWITCHING_OVER
                ? Phase.CAMPAIGNING : phase);
    }

    ReplicaState lost(String reason, Instant at) {
        ReplicaState ended = endTerm(at, "lost: " + reason, phase);
        return ended.failed("leadership lost: " + reason, at);
    }

    /** The first problem wins; a later one leaves the state as it is. */
    ReplicaState failed(String why, Instant at) {
        if (phase == Phase.FAILED) {
            return this;
        }
        return new ReplicaState(Phase.FAILED, at, term, Optional.of(why), stopReason, history);
    }

    ReplicaState stopRequested(String reason, Instant at) {
        if (!live()) {
            return this;
        }
        return new ReplicaState(Phase.STOPPING, at, term, problem, Optional.of(reason), history);
    }

    ReplicaState shutDown(Instant at) {
        return phase == Phase.FAILED || phase == Phase.STOPPED ? this : withPhase(Phase.STOPPED, at);
    }

    /** Not failed and not shut down. */
    boolean live() {
        return phase != Phase.FAILED && phase != Phase.STOPPED;
    }

    /** Holds a term now. */
    boolean leading() {
        return term.isPresent();
    }

    private ReplicaState endTerm(Instant at, String how, Phase next) {
        if (term.isEmpty()) {
            return this;
        }
        Tenure ended = term.get().ended(at, how);
        return new ReplicaState(next, next == phase ? since : at, Optional.empty(), problem, stopReason,
                replaceHead(ended));
    }

    private List<Tenure> replaceHead(Tenure head) {
        List<Tenure> terms = new ArrayList<>(history);
        terms.set(0, head);
        return terms;
    }

    private ReplicaState withPhase(Phase next, Instant at) {
        return new ReplicaState(next, at, term, problem, stopReason, history);
    }
}
