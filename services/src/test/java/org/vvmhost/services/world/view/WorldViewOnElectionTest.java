package org.vvmhost.services.world.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.time.ManualClock;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.WorldViews;

/** The leadership world view store on the in-memory election: the same fencing a leader has on etcd. */
class WorldViewOnElectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
    private final Leadership first = election.join(candidate("first"));
    private final Leadership second = election.join(candidate("second"));

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    @Test
    void aHandoverKeepsTheBackupAndDeposesTheOldLeadersWrites() throws Exception {
        Term firstTerm = first.campaign().elected().get(10, TimeUnit.SECONDS);
        var secondCampaign = second.campaign();
        WorldView saved = WorldViews.viewAt(20_000, 30);
        WorldViewStore.leadership(first.data(), firstTerm, "world", 256 * 1024, TIMEOUT, clock).save(saved);

        // The standby reads what the leader wrote, before it leads.
        WorldView preloaded = WorldViewStore.leadershipReader(second.data(), "world", TIMEOUT, clock).load().view()
                .orElseThrow();
        assertThat(preloaded.bytes()).isEqualTo(saved.bytes());

        firstTerm.release().get(10, TimeUnit.SECONDS);
        Term secondTerm = secondCampaign.elected().get(10, TimeUnit.SECONDS);
        assertThat(secondTerm.fencingToken()).isGreaterThan(firstTerm.fencingToken());

        assertThatThrownBy(() -> WorldViewStore.leadership(first.data(), firstTerm, "world", 256 * 1024, TIMEOUT, clock)
                        .save(WorldViews.viewAt(20_000, 31)))
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("was not saved")
                .hasRootCauseInstanceOf(FencedWriteRejectedException.class);

        WorldViewStore store = WorldViewStore.leadership(second.data(), secondTerm, "world", 256 * 1024, TIMEOUT, clock);
        WorldViewStore.LoadResult loaded = store.load();
        assertThat(loaded.rejected()).isEmpty();
        assertThat(loaded.view().orElseThrow().tick()).isEqualTo(30);
        try (World world = TestWorlds.restore(WorldViews.config(20_000), ComponentSetRegistry.builtIn(), 1,
                loaded.view().orElseThrow())) {
            TestWorlds.advanceTo(world, 40);
            store.save(world.snapshot());
        }
        assertThat(store.load().view().orElseThrow().tick()).isEqualTo(40);
        secondTerm.release().get(10, TimeUnit.SECONDS);
    }

    private static Candidate candidate(String id) {
        return new Candidate(id, "test-host", ProcessHandle.current().pid(), Instant.EPOCH);
    }
}
