package org.vvmhost.services.cluster.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.TestFunctions;
import org.vvmhost.services.cluster.VirtualClusterFixture;

class ScenarioDriverTest {

    private final VirtualClusterFixture fixture = new VirtualClusterFixture();
    private final Cluster cluster = fixture.cluster;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void threeServers() {
        fixture.threeServers();
        assertThat(cluster.routable("web")).containsExactly("s1", "s2", "s3");
    }

    @Test
    void theScenarioDriverAppliesTheOutageAtItsTimes() {
        threeServers();
        Scenario scenario = new Scenario(Duration.ofSeconds(4),
                List.of(ScenarioEvent.outage("o1", "s2", Duration.ofSeconds(1), Duration.ofSeconds(2))));
        ScenarioDriver driver = new ScenarioDriver(cluster, scenario, 1);
        List<Object> servedByDuringOutage = new ArrayList<>();
        List<Object> servedByOutside = new ArrayList<>();
        long origin = fixture.clock.nanoTime();
        driver.start();
        for (int tick = 0; tick < 300; tick++) {
            fixture.clock.runFor(Duration.ofMillis(10));
            long elapsed = fixture.clock.nanoTime() - origin;
            var reply = cluster.requestService("web", TestFunctions.msg(tick), Duration.ofSeconds(1));
            fixture.clock.runDue();
            assertThat(reply).isDone();
            Object name = reply.getNow(null);
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
}
