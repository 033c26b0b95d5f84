package org.vvmhost.host;

import java.util.List;
import java.util.Optional;

/**
 * The switchover's decision table: from the election as read (who leads, who waits, in line order), the candidate
 * asked for and that candidate's answer to {@code /standby}, to the candidate that takes over, or why nothing changes.
 * Pure; {@link Switchover} gathers the inputs and acts.
 */
sealed interface SwitchoverPlan {

    /**
     * Hand over to {@code successor}, whose HTTP API answers at {@code url}. {@code named}: the leader writes a
     * switchover intent, so that only that candidate takes over; a plain switchover hands over to the next in line,
     * which needs none.
     */
    record HandOver(String successor, String url, boolean named) implements SwitchoverPlan {
    }

    /** Refused with an HTTP status and a reason that says what to do; nothing changed. */
    record Refused(int status, String reason) implements SwitchoverPlan {
    }

    /** A standby's answer to {@code /standby}: its status, or -1 when it did not answer, and its reason. */
    record Readiness(int status, String reason) {
    }

    /**
     * Whom to hand over to. {@code to} names the candidate; without it, the next in line.
     *
     * @param self     this replica's id: the leader
     * @param election the election, read just now
     */
    static SwitchoverPlan choose(String self, ElectionReader.ElectionView election, Optional<String> to) {
        if (election.error() != null) {
            return new Refused(503, election.error() + "; nothing changed");
        }
        if (election.leader() == null || !self.equals(election.leader().id())) {
            return new Refused(409, "etcd shows " + (election.leader() == null ? "no leader"
                    : election.leader().id() + " leading") + ", not this replica (" + self + "); nothing changed");
        }
        List<StatusCommand.CandidateView> waiting = election.waiting();
        if (waiting.isEmpty()) {
            return new Refused(409, "no standby: no other candidate is in the election '" + election.election()
                    + "' to hand over to; nothing changed");
        }
        if (to.isEmpty()) {
            StatusCommand.CandidateView next = waiting.get(0);
            return new HandOver(next.id(), url(next), false);
        }
        if (to.get().equals(self)) {
            return new Refused(409, self + " leads already; name a standby: " + ids(waiting));
        }
        return waiting.stream().filter(candidate -> candidate.id().equals(to.get())).findFirst()
                .<SwitchoverPlan>map(candidate -> new HandOver(candidate.id(), url(candidate), true))
                .orElseGet(() -> new Refused(409, "no candidate '" + to.get() + "' in the election '"
                        + election.election() + "'; the standbys are " + ids(waiting) + "; nothing changed"));
    }

    /** Whether the successor said it can take over now; its {@code /standby} answered 200 if so. */
    static Optional<Refused> unready(HandOver plan, Readiness readiness) {
        if (plan.url().isEmpty()) {
            return Optional.of(new Refused(409, plan.successor() + " advertises no HTTP API, so its readiness cannot "
                    + "be checked; nothing changed"));
        }
        if (readiness.status() == 200) {
            return Optional.empty();
        }
        String why = readiness.status() < 0 ? "it did not answer at " + plan.url() + " (" + readiness.reason() + ")"
                : "its /standby answered " + readiness.status() + ": " + readiness.reason();
        return Optional.of(new Refused(409, plan.successor() + " is not ready to take over: " + why
                + "; nothing changed"));
    }

    private static String url(StatusCommand.CandidateView candidate) {
        return candidate.advertiseUrl() == null ? "" : candidate.advertiseUrl();
    }

    private static List<String> ids(List<StatusCommand.CandidateView> candidates) {
        return candidates.stream().map(StatusCommand.CandidateView::id).toList();
    }
}
