package org.vvmhost.vvm;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * Campaigns, and waits for the win or for {@code servicesShut}, whichever comes first, so that a shutdown during
 * acquisition returns promptly. Once elected it starts the leadership monitor and the service pipeline, and ends.
 * It never cancels the campaign itself: the shutdowner does, after joining it.
 */
final class Launcher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    private final LeasedVvm vvm;

    Launcher(LeasedVvm vvm) {
        this.vvm = vvm;
    }

    @Override
    public void run() {
        Campaign campaign;
        try {
            campaign = vvm.leadership.campaign();
        } catch (RuntimeException e) {
            vvm.updateProblem(ProblemKind.ACQUISITION_FAILED, "the campaign failed: " + e.getMessage(), e);
            return;
        }
        vvm.campaign = campaign;
        log.info("campaigning for leadership on {} as {}", vvm.leadership.description(), vvm.candidateId);
        Clock.Scheduled timeout = vvm.settings.acquireTimeout()
                .map(limit -> vvm.clock.schedule(limit, () -> timedOut(campaign, limit)))
                .orElse(null);
        try {
            CompletableFuture.anyOf(campaign.elected().handle((term, failure) -> null), vvm.servicesShut).join();
            if (vvm.servicesShut.isDone()) {
                return;
            }
            Term term;
            try {
                term = campaign.elected().join();
            } catch (CancellationException e) {
                return;
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                vvm.updateProblem(ProblemKind.ACQUISITION_FAILED, "the campaign failed: " + cause.getMessage(),
                        cause);
                return;
            }
            if (timeout != null) {
                timeout.cancel();
            }
            lead(term);
        } finally {
            if (timeout != null) {
                timeout.cancel();
            }
        }
    }

    private void timedOut(Campaign campaign, Duration limit) {
        if (!campaign.elected().isDone()) {
            vvm.updateProblem(ProblemKind.ACQUISITION_FAILED, "no leadership within " + Durations.text(limit),
                    null);
        }
    }

    private void lead(Term term) {
        vvm.term = term;
        log.info("leadership acquired: fencing token {}, leader key {}, on {}", term.fencingToken(),
                term.leaderKey(), vvm.leadership.description());
        vvm.notifyListener("leadershipAcquired", () -> vvm.listener.leadershipAcquired(term));
        if (vvm.servicesShut.isDone()) {
            return; // shutting down already: the shutdowner releases the term
        }
        vvm.monitorThread = vvm.start("leadership-monitor", ProblemKind.LEADERSHIP_LOST,
                new LeadershipMonitor(vvm, term));
        vvm.pipelineThread = vvm.start("service-pipeline", ProblemKind.SERVICE_FAILED,
                new ServicePipeline(vvm, term));
    }
}
