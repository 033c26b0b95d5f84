package org.vvmhost.vvm;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Term;

/**
 * Waits for {@code vvmShut}, then shuts down in stages: services (and the launcher), then the monitor, then
 * leadership (release awaited, or the campaign cancelled), then {@code shutdowned}.
 */
final class Shutdowner implements Runnable {

    /** How long to wait for a release or a cancel; beyond it the lease expires on its own after its TTL. */
    static final Duration LEADERSHIP_RELEASE_BOUND = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(Shutdowner.class);

    private final LeasedVvm vvm;

    Shutdowner(LeasedVvm vvm) {
        this.vvm = vvm;
    }

    @Override
    public void run() {
        Threads.awaitUninterruptibly(vvm.vvmShut);
        try {
            stopServices();
            stopMonitor();
            endLeadership();
        } finally {
            vvm.sealOutcome();
            vvm.markShutDown();
            vvm.shutdowned.complete(null);
            log.info("VVM {} shut down", vvm.candidateId);
        }
    }

    private void stopServices() {
        vvm.servicesShut.complete(null);
        // The launcher may still start the pipeline; once it has ended, pipelineThread is final.
        Threads.joinUninterruptibly(vvm.launcherThread);
        Threads.joinUninterruptibly(vvm.pipelineThread);
    }

    private void stopMonitor() {
        vvm.monitorShut.complete(null);
        Threads.joinUninterruptibly(vvm.monitorThread);
    }

    private void endLeadership() {
        Term term = vvm.term;
        Campaign campaign = vvm.campaign;
        if (term != null) {
            if (term.status() == Term.Status.LOST) {
                return; // the monitor reported it, or it came too late to matter: nothing to release
            }
            if (await(term.release(), "releasing the leadership term") && term.status() == Term.Status.RELEASED) {
                log.info("leadership released: fencing token {}", term.fencingToken());
                vvm.notifyListener("leadershipReleased", () -> vvm.listener.leadershipReleased(term));
            }
        } else if (campaign != null) {
            // Cancelling also releases a term won after the launcher stopped waiting.
            if (await(campaign.cancel(), "cancelling the campaign")) {
                log.info("campaign for leadership withdrawn");
            }
        }
    }

    private boolean await(CompletableFuture<Void> step, String what) {
        try {
            Threads.awaitBounded(step, LEADERSHIP_RELEASE_BOUND, vvm.clock, what);
            return true;
        } catch (CompletionException | CancellationException e) {
            log.warn("{} failed; the lease will expire on its own", what, e.getCause() == null ? e : e.getCause());
            return false;
        }
    }
}
