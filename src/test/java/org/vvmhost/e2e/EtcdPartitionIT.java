package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * A leader cut off from etcd while it writes a world view (etcd frozen with SIGSTOP: connections stay open and
 * nothing answers, as behind a partition). Once it notices the loss at its renew deadline nothing waits on etcd: the
 * write in flight is given up and the process exits 4 within a second or two, well inside the kill delay.
 */
class EtcdPartitionIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    /** What "soon after it notices" allows, scaled; the kill delay is 30 s. */
    private static final Duration EXIT_BOUND = Duration.ofSeconds(3);

    private final ImageCommand image = ImageCommand.fromBuild();
    private HostProcess leader;

    @AfterEach
    void cleanUp() {
        ETCD.resume();
        if (leader != null) {
            leader.close();
        }
    }

    @Test
    void aLeaderCutOffDuringABackupExitsFourSoonAfterItNoticesTheLoss() throws Exception {
        ETCD.put("e2e-partition-data/epoch", "1");
        // A world view every tick, 20 times a second: one is always being written.
        leader = HostProcess.start(image, List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", "e2e-partition", "--lease-ttl", "2s", "--world-entities", "20000",
                "--world-set", "world.backup-interval=1"));
        assertThat(leader.awaitLineContaining("saved world view", TIMING.startBudget())).as(leader.output())
                .isPresent();

        ETCD.pause();

        assertThat(leader.awaitLineContaining("leadership lost", TIMING.startBudget())).as(leader.output())
                .isPresent();
        assertThat(leader.awaitExit(TIMING.startBudget())).as(leader.output()).contains(4);
        long noticed = leader.timedLines().stream().filter(line -> line.text().contains("leadership lost"))
                .findFirst().orElseThrow().nanos();
        Duration toExit = Duration.ofNanos(leader.exitedNanos() - noticed);
        System.out.printf("leader cut off from etcd: exit 4 %d ms after it noticed the loss%n", toExit.toMillis());
        assertThat(toExit).as("from noticing the loss to the exit").isLessThan(TIMING.scaled(EXIT_BOUND));
        assertThat(leader.output()).as("a write was in flight when etcd stopped answering")
                .contains("waits for the previous one to be written")
                .doesNotContain("halting it", "\tat ");
    }
}
