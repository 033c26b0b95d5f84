package org.vvmhost.host;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.service.Preflight;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.services.world.service.WorldViewPreloader.StoredWorld;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;
import org.vvmhost.vvm.Causes;

/**
 * May this replica campaign? Only if its world config matches the world stored where it would restore from: a
 * replica that would fail to restore must never lead, or a bad rolling config change takes the service down at the
 * next failover. The verdict is a pure function of what the store holds ({@link #decide}); the runner waits at the
 * gate before each VVM campaigns, and withdraws a campaigning VVM when a new stored view stops matching. The wait counts
 * as campaigning for {@code --acquire-timeout}: a replica held past it exits 3, as one that did not win would.
 */
final class CampaignGate {

    private static final Logger log = LoggerFactory.getLogger(CampaignGate.class);

    /** What the gate says. */
    sealed interface Verdict permits Open, Wait, Hold {
    }

    /** Campaign: nothing is stored, or the stored world is this config's. */
    record Open(String why) implements Verdict {
    }

    /** Not yet: nothing has been read of the store. */
    record Wait(String why) implements Verdict {
    }

    /** Do not campaign: the stored world is another config's. */
    record Hold(Preflight.Finding finding) implements Verdict {
    }

    /** The stored world where no preloader reads it: a directory, read once per VVM; the embedded default's, empty. */
    interface Source {
        StoredWorld read();
    }

    /** One read of the store's index (etcd's manifest), for its answer: a refusal of access ends the wait. */
    interface Probe {
        CompletableFuture<?> read();
    }

    /** How long after a read that etcd did not answer the probe reads again. */
    static final Duration PROBE_RETRY = Duration.ofSeconds(1);

    /**
     * Why the replica exits instead of campaigning: a mismatch with {@code --fail-on-mismatch}, the acquire timeout, or
     * a store that refuses access.
     */
    record Refusal(ExitCode code, String reason) {
    }

    private final Function<WorldView.Header, Optional<Preflight.Finding>> compare;
    private final boolean failOnMismatch;
    private final Optional<Duration> acquireTimeout;
    private final Source direct;
    private final Probe probe;
    private final ReplicaStatus status;
    private final Clock clock;

    /**
     * @param compare        the stored view's header against this replica's config
     * @param failOnMismatch exit (code 2) rather than wait when the stored world does not match
     * @param acquireTimeout exit (code 3) when the gate has not opened within it, as a campaign that does not win
     * @param direct         the stored world where no preloader reads it
     * @param probe          a read of the store: the preloader retries a refused read forever, so the gate reads
     *                       once itself, and again while etcd does not answer, to end the wait with exit 6
     */
    CampaignGate(Function<WorldView.Header, Optional<Preflight.Finding>> compare, boolean failOnMismatch,
                 Optional<Duration> acquireTimeout, Source direct, Probe probe, ReplicaStatus status, Clock clock) {
        this.compare = compare;
        this.failOnMismatch = failOnMismatch;
        this.acquireTimeout = acquireTimeout;
        this.direct = direct;
        this.probe = probe;
        this.status = status;
        this.clock = clock;
    }

    static Verdict decide(StoredWorld stored, Function<WorldView.Header, Optional<Preflight.Finding>> compare) {
        if (!stored.read()) {
            return new Wait("reading the stored world before campaigning");
        }
        if (stored.newest().isEmpty()) {
            return new Open("no world view is stored");
        }
        WorldView.Header header = stored.newest().get();
        return compare.apply(header).<Verdict>map(Hold::new)
                .orElseGet(() -> new Open("the stored world (tick " + header.tick() + ") is this config's"));
    }

    /**
     * Waits until this replica may campaign, or a stop is requested; empty then. Present when it must exit instead: a
     * mismatch with {@code --fail-on-mismatch}, or no open gate within the acquire timeout.
     */
    Optional<Refusal> await(Optional<WorldViewPreloader> preloader, CompletableFuture<String> stop) {
        CompletableFuture<Void> timedOut = acquireTimeout.map(limit -> clock.orTimeout(new CompletableFuture<Void>(),
                limit)).orElseGet(CompletableFuture::new);
        CompletableFuture<LeadershipAccessException> refused = new CompletableFuture<>();
        probe(refused);
        String shown = null;
        try {
            while (!stop.isDone()) {
                if (refused.isDone()) {
                    String why = AccessErrors.describe(refused.join());
                    log.error(why);
                    return Optional.of(new Refusal(ExitCode.ACCESS_DENIED, why));
                }
                StoredWorld stored = preloader.map(WorldViewPreloader::stored).orElseGet(direct::read);
                Verdict verdict = decide(stored, compare);
                // Once per change of verdict, not once per view read: a held standby sees a new view at every backup.
                if (!kind(verdict).equals(shown)) {
                    shown = kind(verdict);
                    announce(verdict);
                } else if (verdict instanceof Hold hold) {
                    status.held(Optional.of(reason(hold)));
                }
                if (verdict instanceof Open) {
                    status.held(Optional.empty());
                    return Optional.empty();
                }
                if (verdict instanceof Hold hold && failOnMismatch) {
                    return Optional.of(new Refusal(ExitCode.USAGE, hold.finding().message()));
                }
                if (timedOut.isDone()) {
                    String why = status.held().orElse("held");
                    log.error("leadership not acquired within {}: {}", Durations.text(acquireTimeout.orElseThrow()),
                            why);
                    return Optional.of(new Refusal(ExitCode.STARTUP_FAILED, why));
                }
                CompletableFuture<Void> next = preloader.map(p -> p.changedSince(stored))
                        // The direct source is read once: what it said stands until the process restarts.
                        .orElseGet(CompletableFuture::new);
                try {
                    CompletableFuture.anyOf(next, stop, timedOut, refused).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TimeoutException)) {
                        throw new IllegalStateException("the wait at the campaign gate failed", e.getCause());
                    }
                }
            }
            return Optional.empty();
        } finally {
            // Ends the clock's timer and the probe's retries too, so that nothing they scheduled outlives the wait.
            timedOut.cancel(false);
            refused.cancel(false);
        }
    }

    /**
     * Reads the store until it answers or refuses: {@code refused} completes with the refusal; an answer, or a
     * cancelled {@code refused}, ends it.
     */
    private void probe(CompletableFuture<LeadershipAccessException> refused) {
        probe.read().whenComplete((answer, failure) -> {
            if (failure == null || refused.isDone()) {
                return;
            }
            Optional<LeadershipAccessException> refusal = Causes.find(failure, LeadershipAccessException.class);
            if (refusal.isPresent()) {
                refused.complete(refusal.get());
            } else {
                clock.schedule(PROBE_RETRY, () -> probe(refused));
            }
        });
    }

    /**
     * Completes with the finding once a view read while the VVM campaigns no longer matches this replica's config;
     * cancel it when the VVM ends. Never completes without a preloader.
     */
    CompletableFuture<Preflight.Finding> mismatch(Optional<WorldViewPreloader> preloader) {
        CompletableFuture<Preflight.Finding> found = new CompletableFuture<>();
        preloader.ifPresent(p -> follow(p, p.stored(), found));
        return found;
    }

    private void follow(WorldViewPreloader preloader, StoredWorld seen, CompletableFuture<Preflight.Finding> found) {
        if (found.isDone()) {
            return;
        }
        if (decide(seen, compare) instanceof Hold hold) {
            found.complete(hold.finding());
            return;
        }
        preloader.changedSince(seen).thenRun(() -> follow(preloader, preloader.stored(), found));
    }

    private static String kind(Verdict verdict) {
        return verdict instanceof Hold hold ? "hold " + hold.finding().field() : verdict.getClass().getSimpleName();
    }

    private static String reason(Hold hold) {
        return "not campaigning: " + hold.finding().message();
    }

    private void announce(Verdict verdict) {
        if (verdict instanceof Hold hold) {
            status.held(Optional.of(reason(hold)));
            log.error("{}{}", hold.finding().message(), failOnMismatch ? "" : ". Not ready until then (--fail-on-mismatch "
                    + "exits with code 2 instead)");
        } else if (verdict instanceof Wait wait) {
            status.held(Optional.of(wait.why()));
            log.info("{}", wait.why());
        } else if (verdict instanceof Open open) {
            log.info("campaign gate open: {}", open.why());
        }
    }
}
