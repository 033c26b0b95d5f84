package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.Term;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.testing.EtcdCandidates;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/** The world view store on a real etcd: chunks, the manifest switch, old generations, fencing, large views. */
class WorldViewStoreOnEtcdTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static final WorldConfig CONFIG = WorldConfig.parse("world: {entities: 150000}", Map.of());
    private static final String PREFIX = "world";

    private final Duration budget = TestTiming.current().scaled(Duration.ofSeconds(20));
    private final EtcdCandidates candidates = new EtcdCandidates(etcd, "world-store");
    private final SystemClock clock = candidates.clock();
    private final Leadership first = candidates.connect("first");
    private final Leadership second = candidates.connect("second");

    @AfterEach
    void close() {
        candidates.close();
    }

    @Test
    void aViewOfSeveralChunksRoundTripsKeepsTwoGenerationsAndRefusesADeposedLeader() throws Exception {
        Term term = first.campaign().elected().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        WorldViewStore store = WorldViewStore.leadership(first.data(), term, PREFIX, WorldViewStore.MAX_CHUNK_BYTES,
                budget, clock);
        try (World world = TestWorlds.create(CONFIG, ComponentSetRegistry.builtIn(), 1)) {
            for (long tick : new long[] {3, 6, 9}) {
                TestWorlds.advanceTo(world, tick);
                store.save(world.snapshot());
            }
            // Above the etcd client's 4 MiB message limit: the chunks must not come back in one response.
            assertThat(world.snapshot().bytes().length).as("several chunks, more than 4 MiB in all")
                    .isGreaterThan(4 * WorldViewStore.MAX_CHUNK_BYTES);

            WorldView read = WorldViewStore.leadershipReader(second.data(), PREFIX, budget, clock).load().view()
                    .orElseThrow();
            assertThat(read.tick()).isEqualTo(9);
            assertThat(read.bytes()).isEqualTo(world.snapshot().bytes());
        }
        // The newest two generations stay; the first was deleted after the third switch.
        assertThat(etcd.getPrefix(candidates.election() + "-data/" + PREFIX + "/g-000000000001/")).isEmpty();
        assertThat(etcd.get(candidates.election() + "-data/" + PREFIX + "/g-000000000002/chunk-000000")).isPresent();

        var campaign = second.campaign();
        term.release().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        Term next = campaign.elected().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> store.save(WorldViewStore.leadershipReader(first.data(), PREFIX, budget, clock).load()
                .view().orElseThrow()))
                .isInstanceOf(WorldViewException.class)
                .hasRootCauseInstanceOf(FencedWriteRejectedException.class);
        try (World restored = TestWorlds.restore(CONFIG, ComponentSetRegistry.builtIn(), 1,
                WorldViewStore.leadership(second.data(), next, PREFIX, WorldViewStore.MAX_CHUNK_BYTES, budget, clock).load()
                        .view().orElseThrow())) {
            assertThat(restored.tick()).isEqualTo(9);
        }
        next.release().get(budget.toMillis(), TimeUnit.MILLISECONDS);
    }
}
