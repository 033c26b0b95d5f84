package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vvmhost.time.SystemClock;
import java.util.concurrent.CompletionStage;

class ContainerLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private final FunctionRegistry functions = FunctionRegistry.create().register("hooked", () -> new ContainerFunction() {
        @Override
        public void start(ContainerContext context) {
            log.add("start " + context.name() + " on " + Thread.currentThread().getName());
        }

        @Override
        public <R> CompletionStage<R> handle(Request<R> request, ContainerContext context) throws Exception {
            return TestFunctions.replying((message, ctx) -> {
                log.add("handle " + message);
                return message;
            }).handle(request, context);
        }

        @Override
        public void stop(ContainerContext context) {
            log.add("stop hook " + context.name());
        }
    });

    @Test
    void aGracefulStopHandlesQueuedMessagesThenCallsTheStopHook() throws InterruptedException {
        try (SystemClock clock = SystemClock.create("test-clock");
             Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), functions)) {
            cluster.apply(Container.of("h", Map.of(), ContainerSpec.of("hooked").withRestartPolicy(RestartPolicy.NEVER)));
            assertThat(log.poll(10, TimeUnit.SECONDS)).isEqualTo("start h on container-h");
            await().atMost(WAIT).until(() -> cluster.container("h").orElseThrow().status().ready());

            cluster.send("h", TestFunctions.msg(1));
            cluster.send("h", TestFunctions.msg(2));
            cluster.stop("h");

            assertThat(List.of(poll(), poll(), poll())).containsExactly("handle 1", "handle 2", "stop hook h");
            await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.container("h").orElseThrow().status())
                    .isEqualTo(new ContainerStatus(ContainerStatus.Phase.TERMINATED, false, "Stopped", 0)));
        }
    }

    @Test
    void watchersSeeContainersAppearAndDisappear() {
        VirtualClusterFixture fixture = new VirtualClusterFixture();
        List<String> seen = new CopyOnWriteArrayList<>();
        fixture.cluster.watchContainers(e -> {
            if (e.type() != WatchEvent.Type.MODIFIED) {
                seen.add(e.type() + " " + e.resource().name());
            }
        });
        fixture.cluster.apply(Container.of("a", "count"));
        fixture.settle();
        fixture.cluster.delete(Kind.CONTAINER, "a");
        fixture.settle();
        fixture.close();

        assertThat(seen).containsExactly("ADDED a", "DELETED a");
    }

    @Test
    void closingJoinsEveryThreadTheClusterStarted() {
        try (SystemClock clock = SystemClock.create("test-clock")) {
            Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), functions);
            cluster.apply(ReplicaSet.of("web", 3, Map.of("app", "web"), ContainerSpec.of("hooked")));
            await().atMost(WAIT).until(() -> cluster.containersOf("web").stream().filter(c -> c.status().ready())
                    .count() == 3);
            assertThat(threadsNamed("container-web-")).hasSize(3);

            cluster.close();

            assertThat(threadsNamed("container-")).isEmpty();
            assertThat(threadsNamed("cluster-")).isEmpty();
            assertThat(log).filteredOn(line -> line.startsWith("stop hook")).hasSize(3);
        }
    }

    @Test
    void closingStartsNoContainerAgainEvenWhenARestartAndAResyncFallInsideTheGracePeriod() {
        VirtualClock clock = VirtualClock.create();
        Cluster cluster = Cluster.start(ClusterOptions.virtual(clock).withResyncPeriod(Duration.ofMillis(100))
                .withRestartBackoff(Duration.ofMillis(10)), functions);
        cluster.apply(Container.of("h", Map.of(), ContainerSpec.of("hooked")));
        clock.runFor(Duration.ofMillis(50));
        assertThat(log).containsExactly("start h on main");

        // The stop hook ends the worker at once; its restart (policy Always) and the next resync come within the
        // grace period that close lets play out.
        cluster.close();

        assertThat(log).filteredOn(line -> line.startsWith("start")).as("starts").hasSize(1);
        assertThat(log).last().isEqualTo("stop hook h");
    }

    private String poll() throws InterruptedException {
        return log.poll(10, TimeUnit.SECONDS);
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }
}
