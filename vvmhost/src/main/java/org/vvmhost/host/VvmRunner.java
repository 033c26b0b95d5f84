package org.vvmhost.host;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.vvm.Causes;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.VvmProblem;

/**
 * The host's part of seed 002: launch the VVM, wait for a stop request or the VVM's problem, whichever comes
 * first, then shut the VVM down and turn the outcome into an exit code.
 */
final class VvmRunner {

    private static final Logger log = LoggerFactory.getLogger(VvmRunner.class);

    private final Vvm vvm;
    private final ReplicaStatus status;

    @Inject
    VvmRunner(Vvm vvm, ReplicaStatus status) {
        this.vvm = vvm;
        this.status = status;
    }

    /** Runs until {@code stopRequested} completes (with the reason) or the VVM has a problem. */
    ExitCode run(CompletableFuture<String> stopRequested) {
        CompletableFuture<VvmProblem> problem = vvm.launch();
        status.launched();
        // At once, on the thread that completes them: readiness turns the moment a stop or a problem arrives.
        problem.thenAccept(status::failed);
        stopRequested.thenAccept(status::stopRequested);
        try {
            CompletableFuture.anyOf(stopRequested, problem).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while running; shutting down");
        } catch (ExecutionException e) {
            // Neither future completes exceptionally; shut down anyway.
            log.error("unexpected failure while waiting for a stop request", e.getCause());
        }
        if (stopRequested.isDone() && !problem.isDone()) {
            log.info("{} received: shutting down gracefully", stopRequested.join());
        }
        Optional<VvmProblem> outcome = vvm.shutdown();
        status.shutDown();
        ExitCode exitCode = ExitCode.of(outcome);
        // The VVM has logged the problem with its cause already.
        outcome.ifPresent(p -> log.error("the VVM stopped because of a problem ({}): {}", p.kind(), accessRefusal(p)
                .map(AccessErrors::describe).orElse(p.getMessage())));
        log.info("shut down; exit code {}: {}", exitCode.code(), exitCode.description());
        return exitCode;
    }

    private static Optional<LeadershipAccessException> accessRefusal(VvmProblem problem) {
        return Causes.find(problem, LeadershipAccessException.class);
    }
}
