package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * {@code vvmhost drill --target external} drills replicas it did not start, as it would a Kubernetes Deployment:
 * here three {@code vvmhost run} processes that the test starts with the image's command line, and {@code kill}
 * templates that stand for {@code kubectl delete pod}. It finds each leader in the election, hands over to the standby
 * last in line through the leader's {@code POST /switchover}, then signals it through the template with the pid from
 * its election value, sees the successor take over, and audits etcd's history.
 */
class ExternalDrillIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();

    private final List<HostProcess> replicas = new ArrayList<>();

    @AfterEach
    void stopReplicas() {
        replicas.forEach(HostProcess::close);
    }

    private String outputs() {
        StringBuilder text = new StringBuilder();
        replicas.forEach(replica -> text.append("--- pid ").append(replica.pid()).append('\n')
                .append(replica.output()).append('\n'));
        return text.toString();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void drillsReplicasItDidNotStartThroughCommandTemplates(@TempDir Path workDir) throws Exception {
        String election = "external-" + ProcessHandle.current().pid();
        ImageCommand image = ImageCommand.fromBuild();
        for (String name : List.of("a", "b", "c")) {
            int port = freePort();
            // The audit reads etcd's whole history: the leaders must not compact it during the drill.
            replicas.add(HostProcess.start(image, List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(),
                    "--election", election, "--instance-id", election + "-" + name, "--lease-ttl", "2s",
                    "--etcd-compaction-retention", "24h", "--http-host", "127.0.0.1", "--http-port",
                    Integer.toString(port), "--advertise-url", "http://127.0.0.1:" + port, "--world-entities", "2000",
                    "--world-set", "world.backup-interval=10")));
        }

        DrillCommandRun drill = DrillCommandRun.run(workDir, List.of("--target", "external", "--etcd-endpoints",
                ETCD.endpoint().toString(), "--election", election, "--kinds", "SWITCHOVER,SIGTERM,SIGKILL",
                "--sigterm", "kill {pid}", "--sigkill", "kill -9 {pid}", "--dwell", "1s", "--world-set",
                "world.backup-interval=10", "--timeout", TIMING.startBudget().toSeconds() + "s"),
                TIMING.scaled(Duration.ofMinutes(3)));

        assertThat(drill.exitCode()).as("exit code; output:\n%s\nreplicas:\n%s", drill.output(), outputs()).isZero();
        JsonNode report = drill.json();
        assertThat(report.get("verdict").asText()).isEqualTo("PASS");
        assertThat(report.get("settings").get("target").asText()).isEqualTo("external");
        JsonNode rounds = report.get("rounds");
        assertThat(rounds).hasSize(3);
        List<String> leaders = new ArrayList<>();
        for (JsonNode round : rounds) {
            assertThat(round.get("leaderChanged").asBoolean()).isTrue();
            assertThat(round.get("problems")).isEmpty();
            assertThat(round.get("newToken").asText()).isNotEqualTo(round.get("oldToken").asText());
            leaders.add(round.get("oldReplica").asText());
        }
        JsonNode switchover = rounds.get(0);
        assertThat(switchover.get("detail").asText()).as("named the standby last in line")
                .contains("{\"to\": \"" + switchover.get("newReplica").asText() + "\"}").contains("HTTP 200");
        assertThat(switchover.get("lost").asLong()).as("ticks lost in a switchover").isZero();
        assertThat(rounds.get(1).get("lost").asLong()).as("ticks lost on SIGTERM").isZero();
        assertThat(rounds.get(1).get("oldReplica").asText()).isEqualTo(switchover.get("newReplica").asText());
        assertThat(rounds.get(2).get("oldReplica").asText()).isEqualTo(rounds.get(1).get("newReplica").asText());
        assertThat(leaders).allMatch(id -> id.startsWith(election + "-"));
        // The templates reached the leaders the election named: each signalled replica is gone; the switchover
        // stopped none.
        assertThat(replicas.stream().filter(HostProcess::isAlive)).hasSize(1);
        JsonNode audit = report.get("audit");
        assertThat(audit.get("deposedWrites")).isEmpty();
        assertThat(audit.get("tokensIncrease").asBoolean()).isTrue();
        assertThat(audit.get("overlapsJudged").asBoolean()).as("no logs, no judgment of overlaps").isFalse();
        assertThat(Files.readString(drill.report().resolve("logs/drill-commands.log")))
                .contains("$ kill '").contains("$ kill -9 '");
    }
}
