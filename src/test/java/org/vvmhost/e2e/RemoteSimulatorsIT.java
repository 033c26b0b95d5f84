package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vvmhost.e2e.ReplicaLog.savedTick;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * A leader whose simulators run in three {@code vvmhost simulator} processes it finds in etcd, all real processes from
 * the shaded jar on a real etcd: its world hashes are those of a plain single-process run, before and after one
 * simulator process is SIGKILLed (its passives are promoted) and another is SIGTERMed (it drains: the leader takes its
 * areas gracefully, then it exits 0); throughout, its grants in etcd name the processes that host each area's active.
 */
class RemoteSimulatorsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    /** Long enough that a busy machine keeps every lease; a killed simulator's registration lingers this long. */
    private static final String TTL = "5s";
    /**
     * The built-in world with a world view every second (ticks that both runs log), and two simulators per set with a
     * passive per area, so that each process holds actives and passives of the others'.
     */
    private static final List<String> WORLD = List.of("--world-set", "world.backup-interval=20",
            "--world-set", "world.component-sets.physics.simulators=2",
            "--world-set", "world.component-sets.vitality.simulators=2", "--world-set", "world.passives-per-area=1");

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final String election = "e2e-remote-simulators-" + ProcessHandle.current().pid();

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void theWorldRunsOnSimulatorProcessesThroughTheKillOfOneAndTheDrainOfAnotherWithTheHashesOfALocalRun()
            throws Exception {
        HostProcess first = simulator("sim-1");
        HostProcess second = simulator("sim-2");
        HostProcess third = simulator("sim-3");
        for (HostProcess simulator : List.of(first, second, third)) {
            assertThat(simulator.awaitLineContaining(" registered at ", TIMING.startBudget())).as(simulator.output())
                    .isPresent();
        }
        HostProcess reference = start(run("--instance-id", "reference-" + election));
        HostProcess leader = start(run("--etcd-endpoints", ETCD.endpoint().toString(), "--election", election,
                "--instance-id", "leader-" + election, "--lease-ttl", TTL, "--simulators", "etcd"));
        long before = savedTick(leader.awaitLine(line -> savedTick(line) > 0, TIMING.startBudget())
                .orElseThrow(() -> new AssertionError("no view saved:\n" + leader.output())));
        for (HostProcess simulator : List.of(first, second, third)) {
            assertThat(simulator.output()).as("the leader's simulators are spread over the processes:%n%s",
                    leader.output()).contains(" started as ");
        }
        await().atMost(TIMING.eventBudget()).untilAsserted(() -> assertThat(grants().values())
                .as("every area is granted, to each of the processes").hasSize(32)
                .anyMatch(grant -> grant.contains(grantedTo("sim-1")))
                .anyMatch(grant -> grant.contains(grantedTo("sim-2")))
                .anyMatch(grant -> grant.contains(grantedTo("sim-3"))));
        Map<String, String> granted = grants();

        first.kill();

        assertThat(leader.awaitLineContaining("promoted with the last completed tick", TIMING.eventBudget()))
                .as(leader.output()).isPresent();
        await().atMost(TIMING.startBudget()).untilAsserted(() -> assertThat(grants())
                .as("the areas of the killed process are granted to the ones left").containsOnlyKeys(granted.keySet())
                .allSatisfy((area, grant) -> assertThat(grant).doesNotContain(grantedTo("sim-1"))));
        long afterKill = savedTick(leader.awaitLine(line -> savedTick(line) > before + 40, TIMING.startBudget())
                .orElseThrow(() -> new AssertionError("no view saved after the kill:\n" + leader.output())));

        third.sigterm();

        // The drain waits for hand-overs between the leader's ticks: as long as a start on a busy machine.
        assertThat(third.awaitExit(TIMING.startBudget())).as(third.output()).contains(0);
        assertThat(third.output()).as("the leader took every area before it deregistered").contains("drained in ")
                .contains("deregistered: revoked lease").doesNotContain("the drain did not end");
        assertThat(leader.output()).contains("its simulator server is draining", "is stopping: handing over");
        await().atMost(TIMING.startBudget()).untilAsserted(() -> assertThat(grants())
                .as("every area is granted to the one process left").containsOnlyKeys(granted.keySet())
                .allSatisfy((area, grant) -> assertThat(grant).contains(grantedTo("sim-2"))));
        long savedByThen = leader.lines().stream().mapToLong(ReplicaLog::savedTick).max().orElseThrow();
        long afterDrain = savedTick(leader.awaitLine(line -> savedTick(line) > savedByThen, TIMING.startBudget())
                .orElseThrow(() -> new AssertionError("no view saved after the drain:\n" + leader.output())));
        assertThat(reference.awaitLine(line -> savedTick(line) >= afterDrain, TIMING.startBudget()))
                .as(reference.output()).isPresent();
        for (HostProcess host : List.of(leader, reference, second)) {
            host.sigterm();
            assertThat(host.awaitExit(TIMING.eventBudget())).as(host.output()).contains(0);
        }
        Map<Long, String> expected = ReplicaLog.of(reference.timedLines()).hashes();
        List<Long> compared = new ArrayList<>();
        for (Map.Entry<Long, String> tick : ReplicaLog.of(leader.timedLines()).hashes().entrySet()) {
            if (expected.containsKey(tick.getKey())) {
                compared.add(tick.getKey());
                assertThat(tick.getValue()).as("tick %d", tick.getKey()).isEqualTo(expected.get(tick.getKey()));
            }
        }
        assertThat(compared).as("ticks both logged").contains(before, afterKill, afterDrain);
        assertThat(leader.output()).as("no area lost").doesNotContain("rewound");
    }

    private static String[] run(String... options) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(options));
        args.addAll(WORLD);
        return args.toArray(String[]::new);
    }

    private static String grantedTo(String simulator) {
        return "\"simulator\":\"" + simulator + "\"";
    }

    /** {@code etcdctl get --prefix <election>-data/authority/}: set/area → the grant's JSON. */
    private Map<String, String> grants() {
        String prefix = election + "-data/authority/";
        Map<String, String> grants = new TreeMap<>();
        ETCD.getPrefix(prefix).forEach(kv -> grants.put(EtcdExtension.text(kv.getKey()).substring(prefix.length()),
                EtcdExtension.text(kv.getValue())));
        return grants;
    }

    private HostProcess simulator(String id) {
        return start("simulator", "--etcd-endpoints", ETCD.endpoint().toString(), "--election", election,
                "--simulator-id", id, "--lease-ttl", TTL, "--grpc-port", "0");
    }


    private HostProcess start(String... args) {
        HostProcess host = HostProcess.start(image, List.of(args));
        started.add(host);
        return host;
    }
}
