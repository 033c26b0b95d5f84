package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
        fixture.threeServers();
        assertThat(cluster.routable("web")).containsExactly("s1", "s2", "s3");
    }

    @Test
    void duringAnOutageNoRequestReachesTheDownServer() {
        threeServers();
        send(30);
        long before = fixture.servedBy("s2");
        assertThat(before).isEqualTo(10);

        cluster.faults().markDown("s2");
        send(300);
        assertThat(fixture.servedBy("s2")).isEqualTo(before);
        assertThat(fixture.servedBy("s1") + fixture.servedBy("s3")).isEqualTo(20 + 300);

        cluster.faults().markUp("s2");
        assertThat(cluster.routable("web")).last().isEqualTo("s2");
        send(30);
        assertThat(fixture.servedBy("s2")).isEqualTo(before + 10);
    }

    @Test
    void aResyncDoesNotBringBackADownServer() {
        threeServers();
        cluster.faults().markDown("s3");

        fixture.clock.runFor(Duration.ofSeconds(3));

        assertThat(cluster.routable("web")).containsExactly("s1", "s2");
    }

    @Test
    void aSpikeDelaysRepliesOfThatEdgeOnly() {
        threeServers();
        cluster.faults().addLatency("s1", Duration.ofMillis(200));

        long start = fixture.clock.nanoTime();
        var slow = cluster.request("s1", TestFunctions.msg("x"), Duration.ofSeconds(1));
        var fast = cluster.request("s2", TestFunctions.msg("x"), Duration.ofSeconds(1));
        fixture.clock.runDue();
        assertThat(fast).isCompletedWithValue("s2");
        assertThat(slow).isNotDone();

        fixture.clock.runFor(Duration.ofMillis(200));
        assertThat(slow).isCompletedWithValue("s1");
        assertThat(fixture.clock.nanoTime() - start).isEqualTo(Duration.ofMillis(200).toNanos());
    }

    private void send(int count) {
        for (int i = 0; i < count; i++) {
            cluster.sendToService("web", TestFunctions.msg(i));
            fixture.clock.runDue();
        }
    }
}
