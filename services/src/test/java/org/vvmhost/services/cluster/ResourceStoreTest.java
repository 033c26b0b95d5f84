package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResourceStoreTest {

    private final ResourceStore store = ResourceStore.create();

    @Test
    void createStampsAVersionAndRejectsDuplicates() {
        Container stored = store.create(Container.of("a", "demo"));

        assertThat(stored.resourceVersion()).isEqualTo(1);
        assertThatThrownBy(() -> store.create(Container.of("a", "demo")))
                .isInstanceOf(AlreadyExistsException.class).hasMessage("Container 'a' already exists");
    }

    @Test
    void aStaleUpdateOrDeleteIsAConflict() {
        Container first = store.create(Container.of("a", "demo"));
        Container second = store.update(first.withSpec(first.spec().withMailboxCapacity(5)));

        assertThat(second.resourceVersion()).isGreaterThan(first.resourceVersion());
        assertThatThrownBy(() -> store.update(first.withSpec(first.spec().withMailboxCapacity(7))))
                .isInstanceOf(ConflictException.class)
                .hasMessage("Container 'a' is at resourceVersion 2, not 1: read it again and retry");
        assertThatThrownBy(() -> store.delete(Kind.CONTAINER, "a", first.resourceVersion()))
                .isInstanceOf(ConflictException.class);
        assertThat(store.get(Container.class, "a")).contains(second);

        store.delete(Kind.CONTAINER, "a", second.resourceVersion());
        assertThat(store.get(Container.class, "a")).isEmpty();
    }

    @Test
    void concurrentWritersLoseNoUpdate() throws Exception {
        store.create(ReplicaSet.of("counter", 0, Map.of("app", "x"), ContainerSpec.of("demo")));
        int writers = 4;
        int increments = 200;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                conflicts.add(pool.submit(() -> {
                    int seen = 0;
                    for (int i = 0; i < increments; i++) {
                        store.create(Container.of("w" + writer + "-" + i, "demo"));
                        while (true) {
                            ReplicaSet current = store.get(ReplicaSet.class, "counter").orElseThrow();
                            try {
                                store.update(current.withReplicas(current.replicas() + 1));
                                break;
                            } catch (ConflictException e) {
                                seen++;
                            }
                        }
                    }
                    return seen;
                }));
            }
            for (Future<Integer> result : conflicts) {
                result.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.get(ReplicaSet.class, "counter").orElseThrow().replicas()).isEqualTo(writers * increments);
        assertThat(store.list(Container.class)).hasSize(writers * increments);
        assertThat(store.revision()).isEqualTo(1 + 2L * writers * increments);
    }

    @Test
    void watchersSeeEveryChangeInRevisionOrder() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        store.watch(false, events::add);
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        Container created = store.create(Container.of("c" + writer + "-" + i, "demo"));
                        Container updated = store.update(created.withSpec(created.spec().withMailboxCapacity(9)));
                        store.delete(Kind.CONTAINER, updated.name(), updated.resourceVersion());
                    }
                }));
            }
            for (Future<?> result : done) {
                result.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(events).hasSize(writers * 100 * 3);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).revision()).isEqualTo(events.get(i - 1).revision() + 1);
        }
        Map<String, List<WatchEvent.Type>> perResource = new HashMap<>();
        for (WatchEvent event : events) {
            perResource.computeIfAbsent(event.resource().name(), n -> new ArrayList<>()).add(event.type());
        }
        assertThat(perResource.values()).allSatisfy(types -> assertThat(types)
                .containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED));
    }

    @Test
    void aReplayingWatchFirstSeesWhatIsStored() {
        store.create(Container.of("b", "demo"));
        store.create(Container.of("a", "demo"));
        List<String> seen = new ArrayList<>();

        Subscription watch = store.watch(true, e -> seen.add(e.type() + " " + e.resource().name()));
        store.create(Container.of("c", "demo"));
        watch.close();
        store.create(Container.of("d", "demo"));

        assertThat(seen).containsExactly("ADDED a", "ADDED b", "ADDED c");
    }

    @Test
    void aListenerThatWritesSeesItsOwnEventAfterTheCurrentOne() {
        List<String> seen = new ArrayList<>();
        store.watch(false, e -> {
            seen.add(e.type() + " " + e.resource().name());
            if (e.resource().name().equals("first")) {
                store.create(Container.of("second", "demo"));
            }
        });

        store.create(Container.of("first", "demo"));

        assertThat(seen).containsExactly("ADDED first", "ADDED second");
    }
}
