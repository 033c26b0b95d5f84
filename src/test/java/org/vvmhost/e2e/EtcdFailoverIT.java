package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * Two {@code vvmhost run} processes, launched with the image's command line, against a real etcd: one leads, the
 * other waits, and the standby takes over after a SIGTERM or a SIGKILL of the leader. Each test has its own
 * election, so a killed leader's lease cannot reach into the next test.
 */
class EtcdFailoverIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    /** etcd's minimum, so that a crash is noticed as soon as etcd allows. */
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final AtomicInteger ELECTIONS = new AtomicInteger();

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final String election = "e2e-failover-" + ELECTIONS.incrementAndGet() + "-" + ProcessHandle.current().pid();

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void twoReplicasElectExactlyOneLeaderAndStatusShowsItAndTheStandby() throws Exception {
        HostProcess a = replica("a");
        HostProcess b = replica("b");

        await().atMost(TIMING.startBudget()).until(() -> acquired(a) || acquired(b));
        HostProcess leader = acquired(a) ? a : b;
        HostProcess standby = leader == a ? b : a;
        assertThat(standby.awaitLineContaining("waiting for " + election + "/", TIMING.startBudget()))
                .as(standby.output()).isPresent();
        assertThat(acquired(standby)).as("only one leads:%n%s", standby.output()).isFalse();

        HostProcess status = start("status", "--etcd-endpoints", ETCD.endpoint().toString(), "--election", election,
                "--json");
        assertThat(status.awaitExit(TIMING.startBudget())).as(status.output()).contains(0);
        JsonNode json = new ObjectMapper().readTree(status.output());
        assertThat(json.at("/leader/id").asText()).isEqualTo(idOf(leader, a));
        assertThat(json.at("/leader/fencingToken").asText()).matches("1:\\d+");
        assertThat(json.at("/leader/epoch").asLong()).isEqualTo(1);
        assertThat(json.get("waiting")).hasSize(1);
        assertThat(json.at("/waiting/0/id").asText()).isEqualTo(idOf(standby, a));

        HostProcess table = start("status", "--etcd-endpoints", ETCD.endpoint().toString(), "--election", election);
        assertThat(table.awaitExit(TIMING.startBudget())).as(table.output()).contains(0);
        assertThat(table.output()).containsPattern("leader +" + idOf(leader, a))
                .containsPattern("waiting +" + idOf(standby, a));
    }

    @Test
    void sigtermOfTheLeaderReleasesAndTheStandbyTakesOver() throws Exception {
        HostProcess leader = replica("a");
        assertThat(leader.awaitLineContaining("leadership acquired", TIMING.startBudget())).as(leader.output())
                .isPresent();
        HostProcess standby = replica("b");
        assertThat(standby.awaitLineContaining("waiting for " + election + "/", TIMING.startBudget()))
                .as(standby.output()).isPresent();

        leader.sigterm();

        assertThat(leader.awaitLineContaining("Shutdowner - leadership released", TIMING.eventBudget()))
                .as(leader.output()).isPresent();
        assertThat(leader.awaitExit(TIMING.eventBudget())).as(leader.output()).contains(0);
        assertThat(standby.awaitLineContaining("leadership acquired", TIMING.eventBudget())).as(standby.output())
                .isPresent();
    }

    @Test
    void sigkillOfTheLeaderHandsOverWithinTheTtlPlusTwoSeconds() throws Exception {
        HostProcess leader = replica("a");
        assertThat(leader.awaitLineContaining("leadership acquired", TIMING.startBudget())).as(leader.output())
                .isPresent();
        HostProcess standby = replica("b");
        assertThat(standby.awaitLineContaining("waiting for " + election + "/", TIMING.startBudget()))
                .as(standby.output()).isPresent();

        leader.kill();

        assertThat(standby.awaitLineContaining("leadership acquired", TIMING.scaled(TTL.plusSeconds(2))))
                .as(standby.output()).isPresent();
    }

    @Test
    void anUnreachableEtcdIsRetriedWithOneLinePerAttemptAndSigtermStillExitsZero() throws Exception {
        // Nothing listens on port 1 of the loopback: every attempt is refused.
        HostProcess host = start("run", "--etcd-endpoints", "http://127.0.0.1:1", "--lease-ttl", "2s");
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThat(host.awaitLine(line -> line.contains("WARN") && line.contains("trying again"),
                    TIMING.startBudget())).as(host.output()).isPresent();
        }

        host.sigterm();

        assertThat(host.awaitExit(TIMING.eventBudget())).as(host.output()).contains(0);
        assertThat(host.output()).contains("SIGTERM received").doesNotContain("ERROR", "\tat ", "Caused by");
        // The campaign and the standby's world view preloader each say once per attempt that etcd is unavailable.
        assertThat(host.lines()).filteredOn(line -> line.contains("WARN"))
                .allMatch(line -> (line.contains("EtcdCampaign") || line.contains("EtcdDataStore"))
                        && line.contains("etcd unavailable") && line.contains("trying again in"));
    }

    private HostProcess replica(String name) {
        return start("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--election", election,
                "--instance-id", name + "-" + election, "--lease-ttl", TTL.toSeconds() + "s");
    }

    private String idOf(HostProcess host, HostProcess a) {
        return (host == a ? "a-" : "b-") + election;
    }

    private static boolean acquired(HostProcess host) {
        return host.lines().stream().anyMatch(line -> line.contains("leadership acquired"));
    }

    private HostProcess start(String... args) {
        HostProcess host = HostProcess.start(image, List.of(args));
        started.add(host);
        return host;
    }
}
