package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vvmhost.services.cluster.TestFunctions.answering;
import static org.vvmhost.services.cluster.TestFunctions.msg;
import static org.vvmhost.services.cluster.TestFunctions.replying;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.time.SystemClock;

class ClusterMessagingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SystemClock clock = SystemClock.create("test-clock");
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final FunctionRegistry functions = FunctionRegistry.create()
            .register("echo", () -> replying((msg, ctx) -> "re:" + msg))
            .register("record", () -> replying((msg, ctx) -> {
                received.add(msg);
                return null;
            }))
            .register("blocking", () -> replying((msg, ctx) -> {
                received.add(msg);
                release.await();
                return msg;
            }))
            .register("never", () -> answering((msg, ctx) -> new CompletableFuture<>()))
            .register("crashing", () -> replying((msg, ctx) -> {
                throw new IllegalStateException("boom on " + msg);
            }));
    private final Cluster cluster = Cluster.start(ClusterOptions.threaded(clock)
            .withRestartBackoff(Duration.ofMillis(10)).withStopGracePeriod(Duration.ofMillis(300)), functions);

    @AfterEach
    void tearDown() {
        release.countDown();
        cluster.close();
        clock.close();
    }

    @Test
    void fireAndForgetDeliversInOrder() throws InterruptedException {
        cluster.apply(Container.of("rec", "record"));
        awaitReady("rec");

        cluster.send("rec", msg("a"));
        cluster.send("rec", msg("b"));
        cluster.send("rec", msg("c"));

        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("b");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("c");
    }

    @Test
    void requestGetsTheFunctionsReply() throws Exception {
        cluster.apply(Container.of("echo-1", "echo"));
        awaitReady("echo-1");

        assertThat(cluster.request("echo-1", msg("hi"), WAIT).get(10, TimeUnit.SECONDS)).isEqualTo("re:hi");
    }

    @Test
    void requestServiceRoutesThroughTheBalancer() throws Exception {
        cluster.apply(ReplicaSet.of("echo", 2, Map.of("app", "echo"), ContainerSpec.of("echo")));
        cluster.apply(ClusterService.of("echo-svc", Map.of("app", "echo"), BalancerKind.ROUND_ROBIN));
        await().atMost(WAIT).until(() -> cluster.routable("echo-svc").size() == 2);

        assertThat(cluster.requestService("echo-svc", msg("x"), WAIT).get(10, TimeUnit.SECONDS)).isEqualTo("re:x");
    }

    @Test
    void aFullMailboxIsAnErrorNotADrop() throws InterruptedException {
        cluster.apply(Container.of("slow", Map.of(), ContainerSpec.of("blocking").withMailboxCapacity(2)));
        awaitReady("slow");
        cluster.send("slow", msg(1));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(1);
        cluster.send("slow", msg(2));
        cluster.send("slow", msg(3));

        assertThatThrownBy(() -> cluster.send("slow", msg(4)))
                .isInstanceOf(MailboxFullException.class)
                .hasMessageContaining("mailbox of container 'slow' is full");
        CompletableFuture<Object> refused = cluster.request("slow", msg(5), WAIT);
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::get).hasCauseInstanceOf(MailboxFullException.class);

        release.countDown();
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void unknownTargetsAreRejected() {
        assertThatThrownBy(() -> cluster.send("ghost", msg("x")))
                .isInstanceOf(UnknownTargetException.class).hasMessage("no container named 'ghost'");
        assertThatThrownBy(() -> cluster.sendToService("ghost-svc", msg("x")))
                .isInstanceOf(UnknownTargetException.class).hasMessage("no service named 'ghost-svc'");
        assertThatThrownBy(() -> cluster.request("ghost", msg("x"), WAIT).get())
                .hasCauseInstanceOf(UnknownTargetException.class);
    }

    @Test
    void aServiceWithNoReadyContainerHasNoRoutableEndpoint() {
        cluster.apply(ClusterService.of("empty", Map.of("app", "nothing"), BalancerKind.ROUND_ROBIN));

        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> cluster.sendToService("empty", msg("x")))
                .isInstanceOf(NoRoutableEndpointException.class)
                .hasMessageContaining("service 'empty' has no routable endpoint"));
        assertThatThrownBy(() -> cluster.requestService("empty", msg("x"), WAIT).get())
                .hasCauseInstanceOf(NoRoutableEndpointException.class);
    }

    @Test
    void aRequestWithoutReplyTimesOut() {
        cluster.apply(Container.of("mute", "never"));
        awaitReady("mute");

        assertThatThrownBy(() -> cluster.request("mute", msg("x"), Duration.ofMillis(50)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("no reply from container 'mute' within 50 ms");
    }

    @Test
    void aThrowingFunctionFailsTheContainerAndTheRestartPolicyApplies() {
        cluster.apply(Container.of("crash", Map.of(), ContainerSpec.of("crashing")));
        awaitReady("crash");

        assertThatThrownBy(() -> cluster.request("crash", msg("x"), WAIT).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ContainerFailedException.class)
                .hasMessageContaining("boom on x");

        await().atMost(WAIT).untilAsserted(() -> {
            ContainerStatus status = cluster.container("crash").orElseThrow().status();
            assertThat(status.restarts()).isGreaterThanOrEqualTo(1);
            assertThat(status.ready()).isTrue();
        });
    }

    @Test
    void neverPolicyLeavesACrashedContainerFailedWithItsReason() {
        cluster.apply(Container.of("crash", Map.of(),
                ContainerSpec.of("crashing").withRestartPolicy(RestartPolicy.NEVER)));
        awaitReady("crash");
        cluster.send("crash", msg("x"));

        await().atMost(WAIT).untilAsserted(() -> {
            ContainerStatus status = cluster.container("crash").orElseThrow().status();
            assertThat(status.phase()).isEqualTo(ContainerStatus.Phase.FAILED);
            assertThat(status.reason()).contains("IllegalStateException: boom on x");
        });
        assertThatThrownBy(() -> cluster.send("crash", msg("y"))).isInstanceOf(ContainerUnavailableException.class);
    }

    @Test
    void unknownImageFailsTheContainerWithAClearReason() {
        cluster.apply(Container.of("odd", Map.of(), ContainerSpec.of("no-such-image")
                .withRestartPolicy(RestartPolicy.NEVER)));

        await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.container("odd").orElseThrow().status().reason())
                .startsWith("UnknownImage: no function is registered for image 'no-such-image'"));
    }

    private void awaitReady(String name) {
        await().atMost(WAIT).until(() -> cluster.container(name).map(c -> c.status().ready()).orElse(false));
    }
}
