package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vvmhost.e2e.ReplicaLog.savedTick;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * Two {@code vvmhost run} processes, launched with the image's command line, against a real etcd: one leads, the other
 * waits with its world warm, and the standby takes over after a SIGTERM or a SIGKILL of the leader. Each test has its
 * own election, so a killed leader's lease cannot reach into the next test.
 */
class EtcdFailoverIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    /** etcd's minimum, so that a crash is noticed as soon as etcd allows. */
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final AtomicInteger ELECTIONS = new AtomicInteger();
    /** A world view every second, so that a standby soon holds one. */
    private static final String BACKUPS = "world.backup-interval=20";

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

    /**
     * The standby keeps its world warm at the leader's views; SIGTERM makes the leader write its final view and
     * release, and the standby takes its warm world over at that view: not a tick lost, and every tick both logged has
     * the hash of an uninterrupted run on the embedded default.
     */
    @Test
    void sigtermHandsOverToTheStandbysWarmWorldLosingNoTickAndKeepingTheWorld() throws Exception {
        HostProcess reference = start("run", "--instance-id", "reference-" + election, "--world-set", BACKUPS);
        HostProcess first = replica("a", "--world-set", BACKUPS);
        assertThat(first.awaitLineContaining("leadership acquired", TIMING.startBudget())).as(first.output())
                .isPresent();
        Roles roles = warmStandbyBehind(first);
        HostProcess leader = roles.leader();
        HostProcess standby = roles.standby();

        leader.sigterm();

        assertThat(leader.awaitLineContaining("Shutdowner - leadership released", TIMING.eventBudget()))
                .as(leader.output()).isPresent();
        assertThat(leader.awaitExit(TIMING.eventBudget())).as(leader.output()).contains(0);
        assertThat(standby.awaitLineContaining("taking over the warm world", TIMING.eventBudget()))
                .as(standby.output()).isPresent();
        assertThat(standby.awaitLineContaining("services started", TIMING.eventBudget())).as(standby.output())
                .isPresent();
        ReplicaLog left = ReplicaLog.of(leader.timedLines());
        ReplicaLog.TickHash finalView = left.saves().stream().filter(ReplicaLog.Save::isFinal)
                .map(save -> new ReplicaLog.TickHash(save.tick(), save.hash(), save.nanos())).findFirst()
                .orElseThrow(() -> new AssertionError("no final backup:\n" + leader.output()));
        assertThat(left.simulationStops()).singleElement().satisfies(stop -> assertThat(stop.tick())
                .as("the leader stopped at its final view's tick").isEqualTo(finalView.tick()));
        assertThat(ReplicaLog.of(standby.timedLines()).restored()).as("no tick lost").hasValueSatisfying(restored ->
                assertThat(List.of(restored.tick(), restored.hash())).isEqualTo(List.of(finalView.tick(),
                        finalView.hash())));
        // The successor saves a view of its own, so that ticks after the hand-over are compared too; the reference
        // (which saves at the same ticks) runs on until it has saved that tick as well.
        long successorSaved = savedTick(standby.awaitLine(line -> savedTick(line) > finalView.tick(),
                TIMING.startBudget()).orElseThrow(() -> new AssertionError("no view saved after the hand-over:\n"
                + standby.output())));
        assertThat(reference.awaitLine(line -> savedTick(line) >= successorSaved, TIMING.startBudget()))
                .as(reference.output()).isPresent();
        for (HostProcess host : List.of(standby, reference)) {
            host.sigterm();
            assertThat(host.awaitExit(TIMING.eventBudget())).as(host.output()).contains(0);
        }
        Map<Long, String> expected = ReplicaLog.of(reference.timedLines()).hashes();
        List<Long> compared = new ArrayList<>();
        for (HostProcess replica : List.of(leader, standby)) {
            for (Map.Entry<Long, String> tick : ReplicaLog.of(replica.timedLines()).hashes().entrySet()) {
                if (expected.containsKey(tick.getKey())) {
                    compared.add(tick.getKey());
                    assertThat(tick.getValue()).as("tick %d", tick.getKey()).isEqualTo(expected.get(tick.getKey()));
                }
            }
        }
        // The view the standby warmed at was saved before the signal; the successor's after the hand-over.
        assertThat(compared).as("ticks both logged").anyMatch(tick -> tick < finalView.tick())
                .contains(successorSaved);
    }

    private record Roles(HostProcess leader, HostProcess standby) {
    }

    /**
     * A replica that keeps its world warm behind {@code leader}. On a busy machine a leader may stall past its lease
     * before that: the replica started as its standby then leads instead, and the next one started is the standby.
     */
    private Roles warmStandbyBehind(HostProcess leader) throws InterruptedException {
        HostProcess leading = leader;
        for (String name : List.of("b", "c", "d")) {
            HostProcess next = replica(name, "--world-set", BACKUPS);
            String said = next.awaitLine(line -> line.contains("standby: warm world at world view")
                    || line.contains("leadership acquired"), TIMING.startBudget())
                    .orElseThrow(() -> new AssertionError("neither warm nor leading:\n" + next.output()));
            if (said.contains("standby: warm world")) {
                return new Roles(leading, next);
            }
            leading = next;
        }
        throw new AssertionError("every leader lost its term before a standby was warm");
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

    private HostProcess replica(String name, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", election, "--instance-id", name + "-" + election, "--lease-ttl", TTL.toSeconds() + "s"));
        args.addAll(List.of(more));
        return start(args.toArray(String[]::new));
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
