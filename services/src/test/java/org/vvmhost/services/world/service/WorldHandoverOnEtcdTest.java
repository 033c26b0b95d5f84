package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.VvmListener;
import org.vvmhost.vvm.VvmSettings;
import org.vvmhost.vvm.Vvms;

/** Two VVMs on a real etcd: a graceful handover gives the world an uninterrupted run would have. */
class WorldHandoverOnEtcdTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static final WorldConfig CONFIG = WorldConfig.parse("""
            world:
              areas: {rows: 2, cols: 2}
              entities: 5000
              tick-rate: 50
              backup-interval: 20
            """, Map.of());
    private static final long LAST_TICK = 150;

    private final TestTiming timing = TestTiming.current();
    private final SystemClock clock = SystemClock.create("test-clock");
    private final String election = "vvm-test/world-handover-" + ProcessHandle.current().pid() + "-"
            + System.nanoTime();
    private final WorldViewLocation.InElection location =
            new WorldViewLocation.InElection(WorldViewLocation.DEFAULT_PREFIX, Duration.ofSeconds(10));
    private Leadership first;
    private Leadership second;
    private WorldViewPreloader preloader;
    private final List<Vvm> vvms = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        for (Vvm vvm : vvms) {
            vvm.shutdown();
        }
        if (preloader != null) {
            preloader.close();
        }
        for (Leadership leadership : new Leadership[] {first, second}) {
            if (leadership != null) {
                leadership.close();
            }
        }
        clock.close();
    }

    @Test
    void aGracefulHandoverContinuesFromTheFinalBackupToTheReferenceHash() {
        first = connect("first");
        second = connect("second");
        WorldSimulationService firstService = service(Optional.empty());
        Vvm firstVvm = vvm(first, firstService);
        firstVvm.launch();
        await().atMost(timing.startBudget()).until(() -> firstService.tick() >= 1);

        // The second replica waits as a standby, preloading what the leader backs up.
        preloader = WorldViewPreloader.start(second.data(), location, clock);
        WorldSimulationService secondService = service(Optional.of(preloader));
        Vvm secondVvm = vvm(second, secondService);
        secondVvm.launch();
        await().atMost(timing.scaled(Duration.ofSeconds(20)))
                .until(() -> preloader.latest().map(WorldView::tick).orElse(0L) >= 20);

        // SIGTERM's path: services stop (the final backup), then leadership is released.
        assertThat(firstVvm.shutdown()).isEmpty();
        WorldView.Header handedOver = firstService.lastBackup().orElseThrow();
        assertThat(handedOver.tick()).isEqualTo(firstService.tick()).isLessThan(LAST_TICK);
        assertThat(handedOver.worldHash()).isEqualTo(WorldSimulationServiceTest.referenceHash(CONFIG,
                handedOver.tick()));

        await().atMost(timing.scaled(Duration.ofSeconds(30))).until(() -> secondService.tick() == LAST_TICK);
        assertThat(secondService.tickStats().ticks()).as("continued from the handed-over tick")
                .isEqualTo(LAST_TICK - handedOver.tick());
        assertThat(secondVvm.shutdown()).isEmpty();
        WorldView.Header last = secondService.lastBackup().orElseThrow();
        assertThat(last.tick()).isEqualTo(LAST_TICK);
        assertThat(last.worldHash()).isEqualTo(WorldSimulationServiceTest.referenceHash(CONFIG, LAST_TICK));
        assertThat(location.lastBackup(first.data(), clock).map(WorldView.Header::worldHash)).contains(last.worldHash());
    }

    private WorldSimulationService service(Optional<WorldViewPreloader> preload) {
        return WorldSimulationService.create(WorldServiceSettings.of(CONFIG).withThreads(1).withLastTick(LAST_TICK),
                ComponentSetRegistry.builtIn(), context -> location.open(context, clock), preload, clock);
    }

    private Vvm vvm(Leadership leadership, WorldSimulationService service) {
        Vvm vvm = Vvms.provide(VvmSettings.defaults(), leadership, List.of(service), clock, () -> {
        }, VvmListener.NONE);
        vvms.add(vvm);
        return vvm;
    }

    private Leadership connect(String id) {
        EtcdSettings settings = EtcdSettings.of(etcd.endpoint().toString(), election,
                LeaseSettings.ofTtl(Duration.ofSeconds(10)));
        return EtcdLeaderships.connect(settings, new Candidate(id, "test-host", ProcessHandle.current().pid(),
                Instant.now()), clock);
    }
}
