package org.vvmhost.host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.service.Preflight;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.Durations;
import org.vvmhost.time.SystemClock;

/**
 * The preflight of {@code vvmhost run}, before anything listens or campaigns: the world config is complete and fits
 * the heap, and a world store directory can be written. {@code run --check} adds the stored world, read once, against
 * the config, and exits without campaigning. (A running replica compares the stored world at its campaign gate.)
 */
final class PreflightCheck {

    private static final Logger log = LoggerFactory.getLogger(PreflightCheck.class);
    /** Bounds each read of {@code --check}: an etcd that does not answer fails the check. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(15);

    private PreflightCheck() {
    }

    /** What is wrong with this replica's own settings, whatever is stored: each finding refuses the start. */
    static List<Preflight.Finding> local(RunSettings settings, ComponentSetRegistry sets, long maxHeapBytes) {
        List<Preflight.Finding> findings = new ArrayList<>(Preflight.config(settings.world().service().config(), sets,
                maxHeapBytes));
        if (settings.world().location() instanceof WorldViewLocation.InDirectory directory) {
            Preflight.store(WorldViewStore.file(directory.directory()), "--world-store").ifPresent(findings::add);
        }
        return findings;
    }

    /** {@code run --check}: every check, the stored world included; 0 if this replica may campaign, else 2 (6 if etcd refused access). */
    static ExitCode check(RunSettings settings, ComponentSetRegistry sets) {
        long maxHeap = Runtime.getRuntime().maxMemory();
        List<Preflight.Finding> findings = local(settings, sets, maxHeap);
        if (!findings.isEmpty()) {
            return refuse(findings);
        }
        WorldConfig config = settings.world().service().config();
        log.info("preflight: the world config is complete (component sets {}); its heap estimate, {} MiB, fits in "
                + "this JVM's {} MiB (-Xmx)", config.componentSets().keySet(),
                Preflight.heapEstimate(config, sets) >> 20,
                maxHeap >> 20);
        WorldViewLocation location = settings.world().location();
        Optional<WorldView.Header> stored;
        try {
            stored = storedWorld(settings, location);
        } catch (LeadershipAccessException e) {
            log.error(AccessErrors.describe(e));
            log.info("exit code {}: {}", ExitCode.ACCESS_DENIED.code(), ExitCode.ACCESS_DENIED.description());
            return ExitCode.ACCESS_DENIED;
        } catch (LeadershipException | WorldViewException e) {
            return refuse(List.of(new Preflight.Finding(location instanceof WorldViewLocation.InDirectory
                    ? "--world-store" : "--etcd-endpoints", "cannot read the stored world from "
                    + location.description() + ": " + e.getMessage(), "Check that the store answers, then check "
                    + "again")));
        }
        if (stored.isEmpty()) {
            log.info("preflight: no world view is stored in {}: this replica would start a fresh world",
                    location.description());
        } else {
            Optional<Preflight.Finding> mismatch = Preflight.compare(config, sets, stored.get(),
                    location.description(), settings.freshWorld());
            if (mismatch.isPresent()) {
                return refuse(List.of(mismatch.get()));
            }
            log.info("preflight: the stored world ({}) is this config's", stored.get());
        }
        log.info("preflight passed: this replica may campaign");
        return ExitCode.GRACEFUL;
    }

    /** Logs each finding as one ERROR line, and the exit code. */
    static ExitCode refuse(List<Preflight.Finding> findings) {
        findings.forEach(finding -> log.error(finding.message()));
        log.info("exit code {}: {}", ExitCode.USAGE.code(), ExitCode.USAGE.description());
        return ExitCode.USAGE;
    }

    private static Optional<WorldView.Header> storedWorld(RunSettings settings, WorldViewLocation location) {
        if (location instanceof WorldViewLocation.InDirectory directory) {
            return WorldViewStore.file(directory.directory()).load().view().map(WorldView::header);
        }
        if (settings.etcd().isEmpty()) {
            // The embedded default's views live in the process: none is stored before it starts.
            return Optional.empty();
        }
        EtcdSettings etcd = settings.etcd().get();
        // Refusals of access say so at once, with what to fix.
        EtcdLeaderships.status(etcd, CHECK_TIMEOUT);
        try (SystemClock clock = SystemClock.create("vvm-check-clock");
             Leadership reader = EtcdLeaderships.connect(etcd, new Candidate(settings.instanceId() + "-check",
                     settings.host(), ProcessHandle.current().pid(), clock.instant()), clock)) {
            WorldViewLocation.InElection election = (WorldViewLocation.InElection) location;
            log.info("preflight: reading the stored world from {} (at most {} a read)", location.description(),
                    Durations.text(CHECK_TIMEOUT));
            return WorldViewStore.leadershipReader(reader.data(), election.prefix(), CHECK_TIMEOUT, clock).load()
                    .view().map(WorldView::header);
        }
    }
}
