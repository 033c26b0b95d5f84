package org.vvmhost.host;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.services.world.service.HotStandby;
import org.vvmhost.services.world.service.Preflight;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.vvm.Causes;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.VvmProblem;

/**
 * The host's part of seed 002, for the whole life of a replica: it launches a VVM, waits for a stop request, the VVM's
 * problem or a relaunch request, whichever comes first, and shuts the VVM down. After a relaunch (a switchover: the
 * VVM gave its term up gracefully) it launches a new VVM over the same leadership, which campaigns again as a
 * standby; after a stop or a problem it turns the outcome into the exit code. A VVM is launched once; each one, with
 * its services, preloader and warm world, comes from its own {@link VvmComponent}. Before each VVM campaigns, the
 * {@link CampaignGate} must let it: a replica whose config does not match the stored world waits there, not ready, and
 * a campaigning VVM whose stored world stops matching is withdrawn and waits there again.
 */
@RunScope
final class VvmRunner {

    private static final Logger log = LoggerFactory.getLogger(VvmRunner.class);

    private final VvmComponent.Factory vvms;
    private final ReplicaStatus status;
    /** The relaunch request of the VVM that runs now; null between VVMs. */
    private final AtomicReference<Relaunch> current = new AtomicReference<>();

    /** Asked for once per VVM: {@code requested} carries the reason, {@code done} completes once that VVM shut down. */
    private record Relaunch(CompletableFuture<String> requested, CompletableFuture<Void> done) {
        Relaunch() {
            this(new CompletableFuture<>(), new CompletableFuture<>());
        }
    }

    /**
     * How one VVM ended: {@code again} when a relaunch ended it and nothing stops the replica; {@code refused} when
     * the campaign gate refused it, before it was launched.
     */
    private record Ended(boolean again, Optional<VvmProblem> problem, Optional<CampaignGate.Refusal> refused) {
        Ended(boolean again, Optional<VvmProblem> problem) {
            this(again, problem, Optional.empty());
        }
    }

    private final CampaignGate gate;

    @Inject
    VvmRunner(VvmComponent.Factory vvms, ReplicaStatus status, CampaignGate gate) {
        this.vvms = vvms;
        this.status = status;
        this.gate = gate;
    }

    /** Runs VVMs until {@code stopRequested} completes (with the reason) or a VVM has a problem. */
    ExitCode run(CompletableFuture<String> stopRequested) {
        // At once, on the thread that completes it: readiness turns the moment a stop arrives.
        stopRequested.thenAccept(status::stopRequested);
        Ended ended;
        do {
            // Each pass campaigns anew, once the campaign gate lets it.
            if (stopRequested.isDone()) {
                log.info("{} received: shutting down gracefully, with no VVM running", stopRequested.join());
                ended = new Ended(false, Optional.empty());
                break;
            }
            ended = runOne(stopRequested);
        } while (ended.again());
        status.shutDown();
        if (ended.refused().isPresent()) {
            ExitCode refused = ended.refused().get().code();
            log.info("exit code {}: {}", refused.code(), refused.description());
            return refused;
        }
        Optional<VvmProblem> outcome = ended.problem();
        ExitCode exitCode = ExitCode.of(outcome);
        // The VVM has logged the problem with its cause already.
        outcome.ifPresent(p -> log.error("the VVM stopped because of a problem ({}): {}", p.kind(), accessRefusal(p)
                .map(AccessErrors::describe).orElse(p.getMessage())));
        log.info("shut down; exit code {}: {}", exitCode.code(), exitCode.description());
        return exitCode;
    }

    /**
     * Asks the VVM that runs now to shut down gracefully (services stop, the final backup is written, the term is
     * released) and a new VVM to campaign in its place. The future completes once the old VVM has shut down; it fails
     * if there is no VVM to relaunch, one was asked for already, or the VVM stopped with a problem.
     */
    CompletableFuture<Void> relaunch(String reason) {
        Relaunch relaunch = current.get();
        if (relaunch == null || !relaunch.requested().complete(reason)) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no VVM to relaunch: the replica is between two VVMs, or a relaunch is under way"));
        }
        return relaunch.done().copy();
    }

    private Ended runOne(CompletableFuture<String> stopRequested) {
        VvmComponent parts = vvms.create();
        Optional<WorldViewPreloader> preloader = parts.preloader();
        Optional<HotStandby> hot = Optional.empty();
        CompletableFuture<Preflight.Finding> mismatch = new CompletableFuture<>();
        try {
            hot = parts.hotStandby();
            status.observe(parts.observed());
            Optional<CampaignGate.Refusal> refused = gate.await(preloader, stopRequested);
            if (refused.isEmpty() && stopRequested.isDone()) {
                log.info("{} received before campaigning: shutting down gracefully", stopRequested.join());
            }
            if (refused.isPresent() || stopRequested.isDone()) {
                return new Ended(false, Optional.empty(), refused);
            }
            Vvm vvm = parts.vvm();
            Relaunch relaunch = new Relaunch();
            current.set(relaunch);
            // Before the launch: a campaign may be won at once, and its term must not be taken for the last VVM's.
            status.launched();
            CompletableFuture<VvmProblem> problem = vvm.launch();
            // At once, on the thread that completes it: liveness turns the moment a problem arrives.
            problem.thenAccept(status::failed);
            mismatch = gate.mismatch(preloader);
            await(CompletableFuture.anyOf(stopRequested, problem, relaunch.requested(), mismatch));
            while (mismatch.isDone() && status.current().leading() && !stopRequested.isDone() && !problem.isDone()
                    && !relaunch.requested().isDone()) {
                // Too late to withdraw: this VVM leads, and a leader writes the views itself.
                await(CompletableFuture.anyOf(stopRequested, problem, relaunch.requested()));
            }
            current.set(null);
            if (stopRequested.isDone() && !problem.isDone()) {
                log.info("{} received: shutting down gracefully", stopRequested.join());
            } else if (relaunch.requested().isDone() && !problem.isDone()) {
                log.info("{}: shutting the VVM down, then campaigning again with a new one",
                        relaunch.requested().join());
            } else if (mismatch.isDone() && !problem.isDone()) {
                log.info("the stored world no longer matches this replica's config ({}): withdrawing from the "
                        + "campaign", mismatch.join().field());
                relaunch.requested().complete("the stored world changed");
            }
            Optional<VvmProblem> outcome = vvm.shutdown();
            outcome.ifPresentOrElse(relaunch.done()::completeExceptionally, () -> relaunch.done().complete(null));
            return new Ended(relaunch.requested().isDone() && outcome.isEmpty() && !stopRequested.isDone(), outcome);
        } finally {
            mismatch.cancel(false);
            // The warm world follows the preloader: it goes first.
            hot.ifPresent(HotStandby::close);
            preloader.ifPresent(WorldViewPreloader::close);
        }
    }

    private static void await(CompletableFuture<?> any) {
        try {
            any.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while running; shutting down");
        } catch (ExecutionException e) {
            // None of the futures completes exceptionally; shut down anyway.
            log.error("unexpected failure while waiting for a stop request", e.getCause());
        }
    }

    private static Optional<LeadershipAccessException> accessRefusal(VvmProblem problem) {
        return Causes.find(problem, LeadershipAccessException.class);
    }
}
