package org.vvmhost.vvm;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Durations;

/**
 * Waits for the term to be lost or for {@code monitorShut}. On loss it reports the problem, which starts the
 * ordered shutdown (a deposed leader stops its services at once), and arms the killer. The killer is never
 * cancelled: whatever happens next, the process must exit within the kill delay.
 */
final class LeadershipMonitor implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LeadershipMonitor.class);

    private final LeasedVvm vvm;
    private final Term term;

    LeadershipMonitor(LeasedVvm vvm, Term term) {
        this.vvm = vvm;
        this.term = term;
    }

    @Override
    public void run() {
        CompletableFuture<LeadershipLostException> lost = term.lost();
        CompletableFuture.anyOf(lost.handle((reason, failure) -> null), vvm.monitorShut).join();
        if (!lost.isDone()) {
            return;
        }
        Throwable reason = lost.handle((value, failure) -> value != null ? value : failure).join();
        String why = reason == null ? "no reason given" : reason.getMessage();
        log.info("leadership lost: {} (fencing token {})", why, term.fencingToken());
        vvm.notifyListener("leadershipLost", () -> vvm.listener.leadershipLost(term, reason));
        Duration killDelay = vvm.settings.killDelay();
        // Armed before the problem is reported, so that whoever sees the problem sees an armed killer.
        vvm.clock.schedule(killDelay, () -> {
            log.error("the process did not exit within {} after losing leadership: halting it",
                    Durations.text(killDelay));
            vvm.terminator.halt();
        });
        vvm.updateProblem(ProblemKind.LEADERSHIP_LOST, "leadership lost: " + why, reason);
    }
}
