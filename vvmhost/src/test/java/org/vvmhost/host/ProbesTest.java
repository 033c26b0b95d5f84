package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.service.BackupState;

/** The replica's state table and the probes' verdicts over it, event by event. */
class ProbesTest {

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");
    private static final int INTERVAL = 20;

    private final ReplicaState starting = ReplicaState.starting(T0);
    private final ReplicaState standby = starting.launched(T0.plusSeconds(1));
    private final ReplicaState acquired = standby.acquired("7", "vvmhost/1a", "a", T0.plusSeconds(2));
    private final ReplicaState serving = acquired.servicesStarted(T0.plusSeconds(3));

    @Test
    void aStandbyIsReadyOnceItsViewIsPreloadedOrThereIsNone() {
        assertThat(probes(standby, world(Optional.of(false))).standby().ok()).isFalse();
        assertThat(probes(standby, world(Optional.of(false))).ready().reason()).contains("not preloaded");
        assertThat(probes(standby, world(Optional.of(true))).standby().ok()).isTrue();
        assertThat(probes(standby, world(Optional.empty())).ready().ok()).isTrue();
        assertThat(probes(standby, world(Optional.empty())).leader().ok()).isFalse();
        assertThat(probes(starting, world(Optional.empty())).ready().reason()).contains("not launched");
    }

    @Test
    void aStandbyWithAWarmWorldIsReadyWhileTheWorldIsBuiltEvenAsItReadsANewView() {
        Probes cold = probes(standby, new Probes.World(Optional.empty(), -1, Optional.of(true), Optional.of(false),
                INTERVAL, Optional.empty()));
        Probes reading = probes(standby, new Probes.World(Optional.empty(), -1, Optional.of(false), Optional.of(true),
                INTERVAL, Optional.empty()));

        assertThat(cold.standby().ok()).isFalse();
        assertThat(cold.ready().reason()).isEqualTo("standby campaigning, its world not warm yet");
        assertThat(reading.standby().ok()).as("a takeover now would take the warm world").isTrue();
        assertThat(reading.ready().reason()).isEqualTo("standby campaigning, its world warm");
    }

    @Test
    void theLeaderIsLeaderOnlyOnceItsServicesStarted() {
        assertThat(probes(acquired, Probes.World.NONE).leader().ok()).isFalse();
        assertThat(probes(acquired, Probes.World.NONE).ready().reason()).contains("services starting");
        Probes leading = probes(serving, healthy(10));
        assertThat(leading.leader().ok()).isTrue();
        assertThat(leading.leader().reason()).contains("fencing token 7");
        assertThat(leading.ready().ok()).isTrue();
        assertThat(leading.standby().ok()).isFalse();
        assertThat(leading.live().ok()).isTrue();
    }

    @Test
    void failingOrStaleBackupsMakeTheLeaderUnreadyButStillAliveAndLeading() {
        BackupState failing = new BackupState(Optional.empty(), 0, 0, Optional.of(
                new BackupState.FailedSave(20, "io", "cannot save: Not a directory", 5)));
        Probes failed = probes(serving, new Probes.World(Optional.of(failing), 25, Optional.empty(), INTERVAL));
        assertThat(failed.ready().ok()).isFalse();
        assertThat(failed.ready().reason()).contains("backups failing", "tick 20", "(io)", "Not a directory");
        assertThat(failed.leader().ok()).isTrue();
        assertThat(failed.live().ok()).isTrue();

        assertThat(probes(serving, healthy(3 * INTERVAL)).ready().ok()).as("three intervals: not yet stale").isTrue();
        Probes stale = probes(serving, healthy(3 * INTERVAL + 1));
        assertThat(stale.ready().ok()).isFalse();
        assertThat(stale.ready().reason()).contains("backups stale", "61 ticks behind");
    }

    @Test
    void aLossFailsLivenessAndEndsTheTermInTheHistory() {
        ReplicaState lost = serving.lost("lease expired", T0.plusSeconds(9));

        Probes probes = probes(lost, Probes.World.NONE);
        assertThat(probes.live().ok()).isFalse();
        assertThat(probes.live().reason()).contains("leadership lost: lease expired");
        assertThat(probes.leader().ok()).isFalse();
        assertThat(lost.term()).isEmpty();
        assertThat(lost.history()).singleElement().satisfies(term -> {
            assertThat(term.end()).contains("lost: lease expired");
            assertThat(term.to()).contains(T0.plusSeconds(9));
            assertThat(term.servicesStarted()).contains(T0.plusSeconds(3));
        });
    }

    @Test
    void aStopRequestMakesEveryRoleUnreadyButKeepsItAlive() {
        ReplicaState stopping = serving.stopRequested("SIGTERM", T0.plusSeconds(5));

        Probes probes = probes(stopping, healthy(1));
        assertThat(probes.ready().reason()).contains("shutting down: SIGTERM");
        assertThat(probes.leader().ok()).isFalse();
        assertThat(probes.live().ok()).isTrue();
        ReplicaState released = stopping.released(T0.plusSeconds(6)).shutDown(T0.plusSeconds(7));
        assertThat(released.phase()).isEqualTo(ReplicaState.Phase.STOPPED);
        assertThat(released.history().get(0).end()).contains("released");
    }

    @Test
    void theFirstProblemWinsAndTheHistoryIsNewestFirst() {
        ReplicaState failed = serving.failed("SERVICE_FAILED: tick failed", T0.plusSeconds(5))
                .lost("lease expired", T0.plusSeconds(6));
        assertThat(failed.problem()).contains("SERVICE_FAILED: tick failed");

        ReplicaState again = serving.released(T0.plusSeconds(5)).acquired("9", "vvmhost/2b", "a", T0.plusSeconds(6));
        assertThat(again.phase()).isEqualTo(ReplicaState.Phase.ACQUIRED);
        assertThat(again.history()).extracting(ReplicaState.Tenure::fencingToken).containsExactly("9", "7");
    }

    @Test
    void aNewVvmCampaignsAgainAndClosesATermItsPredecessorGaveUpWithoutWord() {
        ReplicaState relaunched = serving.released(T0.plusSeconds(5)).launched(T0.plusSeconds(6));
        assertThat(relaunched.phase()).isEqualTo(ReplicaState.Phase.CAMPAIGNING);
        assertThat(relaunched.since()).isEqualTo(T0.plusSeconds(5));
        assertThat(relaunched.history().get(0).end()).contains("released");

        ReplicaState unsaid = serving.launched(T0.plusSeconds(6));
        assertThat(unsaid.phase()).isEqualTo(ReplicaState.Phase.CAMPAIGNING);
        assertThat(unsaid.term()).isEmpty();
        assertThat(unsaid.history().get(0).end()).contains("given up");
        assertThat(unsaid.history().get(0).to()).contains(T0.plusSeconds(6));

        ReplicaState stopping = serving.stopRequested("SIGTERM", T0.plusSeconds(5));
        assertThat(stopping.launched(T0.plusSeconds(6))).as("no VVM launches after a stop").isEqualTo(stopping);
    }

    @Test
    void aSwitchoverEndsTheTermAsSuchAndTheReplicaCampaignsAgain() {
        ReplicaState handing = serving.switchoverRequested("b", T0.plusSeconds(5));
        assertThat(handing.phase()).isEqualTo(ReplicaState.Phase.SWITCHING_OVER);
        assertThat(ApiRoutes.role(handing)).isEqualTo("leader");
        Probes probes = probes(handing, healthy(1));
        assertThat(probes.leader().ok()).isFalse();
        assertThat(probes.ready().reason()).isEqualTo("switching over to b: services stopping, then the term is "
                + "released");
        assertThat(probes.live().ok()).isTrue();
        assertThat(standby.switchoverRequested("b", T0)).as("only a leader serving hands over").isEqualTo(standby);

        ReplicaState released = handing.released(T0.plusSeconds(6));
        assertThat(released.phase()).isEqualTo(ReplicaState.Phase.CAMPAIGNING);
        assertThat(released.history().get(0).end()).contains("released: switchover to b");
        assertThat(released.launched(T0.plusSeconds(7)).history()).isEqualTo(released.history());

        ReplicaState stoppedMeanwhile = handing.stopRequested("SIGTERM", T0.plusSeconds(6)).released(T0.plusSeconds(7));
        assertThat(stoppedMeanwhile.phase()).isEqualTo(ReplicaState.Phase.STOPPING);
        assertThat(stoppedMeanwhile.history().get(0).end()).contains("released: switchover to b");

        ReplicaState cancelled = handing.switchoverCancelled(T0.plusSeconds(6));
        assertThat(cancelled.phase()).isEqualTo(ReplicaState.Phase.SERVING);
        assertThat(cancelled.released(T0.plusSeconds(7)).history().get(0).end()).contains("released");
    }

    @Test
    void theHistoryKeepsTheNewestTerms() {
        ReplicaState state = standby;
        for (int i = 0; i < ReplicaState.HISTORY_LIMIT + 5; i++) {
            state = state.acquired(Integer.toString(i), "k", "a", T0).released(T0);
        }
        assertThat(state.history()).hasSize(ReplicaState.HISTORY_LIMIT);
        assertThat(state.history().get(0).fencingToken()).isEqualTo(Integer.toString(ReplicaState.HISTORY_LIMIT + 4));
    }

    private static Probes probes(ReplicaState state, Probes.World world) {
        return Probes.evaluate(state, world);
    }

    private static Probes.World world(Optional<Boolean> preloaded) {
        return new Probes.World(Optional.empty(), -1, preloaded, INTERVAL);
    }

    /** A leader whose newest view is {@code age} ticks old and whose last save succeeded. */
    private static Probes.World healthy(long age) {
        BackupState backups = new BackupState(Optional.empty(), 0, 0, Optional.empty());
        return new Probes.World(Optional.of(backups), age, Optional.empty(), INTERVAL);
    }

}
