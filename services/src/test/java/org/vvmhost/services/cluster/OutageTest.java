package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutageTest {

    private final VirtualClusterFixture fixture = new VirtualClusterFixture();
    private final Cluster cluster = fixture.cluster;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void threeServers() {
        for (String name : List.of("s1", "s2", "s3")) {
            cluster.apply(Container.of(name, Map.of("app", "web"), ContainerSpec.of("count")));
        }
        cluster.apply(ClusterService.of("web", Map.of("app", "web"), BalancerKind.ROUND_ROBIN));
        fixture.settle();
        assertThat(cluster.routable("web")).containsExactly("s1", "s2", "s3");
    }

    @Test
    void duringAnOutageNoRequestReachesTheDownServer() {
        threeServers();
        send(30);
        long before = fixture.servedBy("s2");
        assertThat(before).isEqualTo(10);

        cluster.markDown("s2");
        send(300);
        assertThat(fixture.servedBy("s2")).isEqualTo(before);
        assertThat(fixture.servedBy("s1") + fixture.servedBy("s3")).isEqualTo(20 + 300);

        cluster.markUp("s2");
        assertThat(cluster.routable("web")).last().isEqualTo("s2");
        send(30);
        assertThat(fixture.servedBy("s2")).isEqualTo(before + 10);
    }

    @Test
    void aResyncDoesNotBringBackADownServer() {
        threeServers();
        cluster.markDown("s3");

        fixture.clock.runFor(Duration.ofSeconds(3));

        assertThat(cluster.routable("web")).containsExactly("s1", "s2");
    }

    @Test
    void theScenarioDriverAppliesTheOutageAtItsTimes() {
        threeServers();
        Scenario scenario = new Scenario(Duration.ofSeconds(4),
                List.of(ScenarioEvent.outage("o1", "s2", Duration.ofSeconds(1), Duration.ofSeconds(2))));
        ScenarioDriver driver = new ScenarioDriver(cluster, scenario, 1);
        List<String> servedByDuringOutage = new ArrayList<>();
        List<String> servedByOutside = new ArrayList<>();
        long origin = fixture.clock.nanoTime();
        driver.start();
        for (int tick = 0; tick < 300; tick++) {
            fixture.clock.runFor(Duration.ofMillis(10));
            long elapsed = fixture.clock.nanoTime() - origin;
            var reply = cluster.requestService("web", tick, Duration.ofSeconds(1));
            fixture.clock.runDue();
            assertThat(reply).isDone();
            String name = (String) reply.getNow(null);
            if (elapsed >= 1_000_000_000L && elapsed < 2_000_000_000L) {
                servedByDuringOutage.add(name);
            } else {
                servedByOutside.add(name);
            }
        }

        assertThat(servedByDuringOutage).isNotEmpty().doesNotContain("s2");
        assertThat(servedByOutside).contains("s2");
        assertThat(driver.applied()).extracting(AppliedEvent::kind)
                .containsExactly(EventKind.SERVER_DOWN, EventKind.SERVER_UP);
    }

    @Test
    void aSpikeDelaysRepliesOfThatEdgeOnly() {
        threeServers();
        cluster.addLatency("s1", Duration.ofMillis(200));

        long start = fixture.clock.nanoTime();
        var slow = cluster.request("s1", "x", Duration.ofSeconds(1));
        var fast = cluster.request("s2", "x", Duration.ofSeconds(1));
        fixture.clock.runDue();
        assertThat(fast).isCompletedWithValue("s2");
        assertThat(slow).isNotDone();

        fixture.clock.runFor(Duration.ofMillis(200));
        assertThat(slow).isCompletedWithValue("s1");
        assertThat(fixture.clock.nanoTime() - start).isEqualTo(Duration.ofMillis(200).toNanos());
    }

    private void send(int count) {
        for (int i = 0; i < count; i++) {
            cluster.sendToService("web", i);
            fixture.clock.runDue();
        }
    }
}
