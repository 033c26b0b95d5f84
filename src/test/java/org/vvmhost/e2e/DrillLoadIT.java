package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * {@code vvmhost drill --commands-per-second}: a client submits world commands through the world's API while the
 * leader is stopped, killed, frozen and switched over. No acknowledged command is lost or journaled twice, every round
 * says how long the client went unserved, and the leaders' world hashes are those of the world replayed from the
 * command journal in etcd's history.
 */
class DrillLoadIT {

    private static final TestTiming TIMING = TestTiming.current();
    private static final List<String> KINDS = List.of("SIGTERM", "SWITCHOVER", "SIGKILL", "SIGSTOP");

    @Test
    void noAcknowledgedCommandIsLostInAnyRound(@TempDir Path workDir) throws Exception {
        EtcdExtension.requireBinary();
        DrillCommandRun drill = DrillCommandRun.run(workDir, List.of("--kinds", String.join(",", KINDS),
                "--replicas", "2", "--lease-ttl", "2s", "--dwell", "1500ms", "--world-entities", "2000",
                "--world-set", "world.backup-interval=10", "--commands-per-second", "100",
                "--timeout", TIMING.startBudget().toSeconds() + "s"), TIMING.scaled(Duration.ofMinutes(4)));

        assertThat(drill.exitCode()).as("exit code; output:\n%s", drill.output()).isZero();
        JsonNode report = drill.json();
        JsonNode load = report.get("load");
        assertThat(load.get("commandsPerSecond").asInt()).isEqualTo(100);
        assertThat(load.get("ackedCommands").asLong()).as("commands acknowledged").isGreaterThan(500);
        assertThat(load.get("lost")).as("acknowledged commands lost").isEmpty();
        assertThat(load.get("appliedTwice")).as("commands journaled twice").isEmpty();
        assertThat(load.get("refused")).as("requests refused outright").isEmpty();
        assertThat(load.get("journaledCommands").asLong()).as("every acknowledged command, and any sent but "
                + "unacknowledged").isGreaterThanOrEqualTo(load.get("ackedCommands").asLong());
        assertThat(load.get("retries").asLong()).as("requests sent again to another replica").isPositive();
        for (JsonNode round : report.get("rounds")) {
            assertThat(round.get("problems")).as("round %s", round.get("kind")).isEmpty();
            assertThat(round.get("unavailableMs").asDouble()).as("%s: the client went unserved for a while",
                    round.get("kind")).isPositive();
        }
        JsonNode audit = report.get("audit");
        assertThat(audit.get("continuityCompared").asInt()).as("ticks compared with the replayed journal")
                .isPositive();
        assertThat(audit.get("continuityMismatches")).isEmpty();
        assertThat(drill.output()).contains("acknowledged commands lost: 0 of ")
                .contains("commands applied twice: 0 ").contains("with the world replayed from the command journal");
    }
}
