package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * The drill's audit catches what it must. Its replicas are made rogue by a switch that exists only in this test's
 * build ({@link RogueReplicas}: a variant of the product's launcher on the class path before the jar): a replica
 * without fencing is caught writing after its term, in etcd's own history; a partitioned leader that acts on past its
 * renew deadline is caught as two leaders at once, by the replicas' log timestamps, while etcd's half of the fence
 * still keeps its writes out.
 */
class DrillAuditIT {

    private static final TestTiming TIMING = TestTiming.current();

    @TempDir
    static Path buildDir;

    private static Path rogue;

    @BeforeAll
    static void buildTheRogueClassPath() throws Exception {
        EtcdExtension.requireBinary();
        rogue = RogueReplicas.build(buildDir);
    }

    @Test
    void aReplicaWithoutFencingIsCaughtWritingAfterItsTerm(@TempDir Path workDir) throws Exception {
        DrillCommandRun drill = drill(workDir, "unfenced", "SIGSTOP", "world.backup-interval=10");

        assertThat(drill.exitCode()).as("a broken promise exits 1").isEqualTo(1);
        JsonNode report = drill.json();
        assertThat(report.get("verdict").asText()).isEqualTo("FAIL");
        JsonNode round = report.get("rounds").get(0);
        String deposed = round.get("oldReplica").asText();
        assertThat(texts(report.get("audit").get("deposedWrites"))).as("writes in etcd's history")
                .anySatisfy(write -> assertThat(write).contains("written by [" + deposed + "]"));
        assertThat(verdict(report, "deposed-leader writes").get("pass").asBoolean()).isFalse();
        assertThat(drill.output()).contains("verdict: FAIL").contains("deposed-leader writes: FAIL");
    }

    @Test
    void aPartitionedLeaderThatActsPastItsRenewDeadlineIsCaughtAsAnOverlap(@TempDir Path workDir)
            throws Exception {
        DrillCommandRun drill = drill(workDir, "deaf", "PARTITION", "world.backup-interval=20");

        assertThat(drill.exitCode()).isEqualTo(1);
        JsonNode report = drill.json();
        JsonNode round = report.get("rounds").get(0);
        assertThat(round.get("gapMs").asDouble()).as("the successor acquired before the old leader stopped")
                .isNegative();
        assertThat(texts(report.get("audit").get("overlaps"))).as("overlapping leading windows")
                .anySatisfy(overlap -> assertThat(overlap).contains("before " + round.get("oldReplica").asText()));
        assertThat(verdict(report, "overlapping leaders").get("pass").asBoolean()).isFalse();
        assertThat(report.get("audit").get("deposedWrites")).as("etcd's half of the fence still held").isEmpty();
    }

    private static DrillCommandRun drill(Path workDir, String mode, String kind, String backups) throws Exception {
        return DrillCommandRun.run(workDir, List.of("--kinds", kind, "--replicas", "2", "--no-reference", "--dwell",
                        "1s", "--timeout", "20s", "--world-entities", "2000", "--world-set", backups),
                TIMING.scaled(Duration.ofMinutes(3)), Map.of(RogueReplicas.MODE, mode), rogue);
    }

    private static JsonNode verdict(JsonNode report, String name) {
        for (JsonNode verdict : report.get("verdicts")) {
            if (verdict.get("name").asText().equals(name)) {
                return verdict;
            }
        }
        throw new AssertionError("no verdict '" + name + "' in " + report.get("verdicts"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
