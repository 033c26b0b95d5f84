package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViews;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.ManualClock;
import org.vvmhost.vvm.ElectionContext;

/** The standby's preloader on the in-memory election: what it keeps when the store is damaged, emptied or goes back. */
class ManifestWatchingPreloaderTest {

    private static final Duration BUDGET = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
    private final Leadership leader = election.join(new Candidate("leader", "host", 1, Instant.EPOCH));
    private final Leadership standby = election.join(new Candidate("standby", "host", 2, Instant.EPOCH));
    private final WorldViewLocation.InElection location = new WorldViewLocation.InElection("world", BUDGET);
    private WorldViewPreloader preloader;

    @AfterEach
    void close() {
        if (preloader != null) {
            preloader.close();
        }
        leader.close();
        standby.close();
    }

    @Test
    void theNewestViewReadIsKeptWhenTheStoreLosesItAndEachReadIsAnnounced() throws Exception {
        Term term = leader.campaign().elected().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        WorldViewStore store = location.open(new ElectionContext(term, leader.data()), clock);
        store.save(WorldViews.viewAt(500, 10));
        preloader = WorldViewPreloader.start(standby.data(), location, clock);
        await().atMost(BUDGET).until(() -> preloader.stored().read());
        WorldViewPreloader.StoredWorld first = preloader.stored();
        assertThat(first.newest().map(WorldView.Header::tick)).contains(10L);
        CompletableFuture<Void> next = preloader.changedSince(first);
        assertThat(next).isNotDone();

        store.save(WorldViews.viewAt(500, 20));
        next.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(BUDGET).until(() -> preloader.latest().map(WorldView::tick).orElse(0L) == 20);

        // etcd wiped: nothing left of the world views.
        term.write(List.of(WriteOp.deletePrefix("world/"))).get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(BUDGET).until(() -> preloader.stored().newest().isEmpty());
        assertThat(preloader.stored().read()).isTrue();
        assertThat(preloader.caughtUp()).as("nothing stored to read").isTrue();
        assertThat(preloader.latest().map(WorldView::tick)).as("the only surviving copy").contains(20L);
        assertThat(preloader.claim()).as("no manifest names it").isEmpty();
        assertThat(preloader.latest().map(WorldView::tick)).as("still there for the new leader").contains(20L);
    }

    @Test
    void aGarbageManifestIsReportedAndTheNewestIntactGenerationPreloaded() throws Exception {
        Term term = leader.campaign().elected().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        WorldViewStore store = location.open(new ElectionContext(term, leader.data()), clock);
        store.save(WorldViews.viewAt(500, 10));
        store.save(WorldViews.viewAt(500, 20));
        term.write(List.of(WriteOp.put("world/manifest", "garbage".getBytes(StandardCharsets.UTF_8))))
                .get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);

        preloader = WorldViewPreloader.start(standby.data(), location, clock);
        await().atMost(BUDGET).until(() -> preloader.stored().read());

        assertThat(preloader.stored().newest().map(WorldView.Header::tick)).contains(20L);
        assertThat(preloader.stored().damage()).hasValueSatisfying(damage -> assertThat(damage)
                .startsWith("world view manifest world/manifest is not valid JSON"));
        assertThat(preloader.latest().map(WorldView::tick)).contains(20L);
        assertThat(preloader.claim()).as("found without the manifest: the new leader reads the store and repairs it")
                .isEmpty();
    }

    @Test
    void aStoreThatGoesBackDoesNotReplaceANewerViewOfTheSameWorldButAnotherWorldDoes() throws Exception {
        Term term = leader.campaign().elected().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        location.open(new ElectionContext(term, leader.data()), clock).save(WorldViews.viewAt(500, 30));
        preloader = WorldViewPreloader.start(standby.data(), location, clock);
        await().atMost(BUDGET).until(() -> preloader.latest().isPresent());

        // etcd restored from an older snapshot: only an older view of the same world.
        term.write(List.of(WriteOp.deletePrefix("world/"))).get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        location.open(new ElectionContext(term, leader.data()), clock).save(WorldViews.viewAt(500, 10));
        await().atMost(BUDGET).until(() -> preloader.stored().newest().map(WorldView.Header::tick).orElse(0L) == 10);
        assertThat(preloader.latest().map(WorldView::tick)).contains(30L);

        // A fresh world of another config: its views replace the copy.
        term.write(List.of(WriteOp.deletePrefix("world/"))).get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        try (World other = TestWorlds.create(WorldViews.config(500).withSeed(7), ComponentSetRegistry.builtIn(), 1)) {
            TestWorlds.advanceTo(other, 5);
            location.open(new ElectionContext(term, leader.data()), clock).save(other.snapshot());
        }
        await().atMost(BUDGET).until(() -> preloader.latest().map(WorldView::tick).orElse(0L) == 5);
    }
}
