package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.ContainerSpec;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.RestartPolicy;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.time.SystemClock;

/**
 * The distributor driven notice by notice, on simulator containers of a real cluster, so that an order of notices
 * that the cluster's threads produce only now and then is produced every time.
 */
class WorkloadDistributorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final SystemClock clock = SystemClock.create("workload-distributor-test-clock");
    private final Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), FunctionRegistry.create());
    private volatile boolean closing;

    @AfterEach
    void tearDown() {
        // Stop hooks hand nothing over: nobody drives the distributor any more.
        closing = true;
        cluster.close();
        clock.close();
    }

    @Test
    void anActiveReportedStoppingBeforeItHandsOverKeepsThePassiveThatItsAreasArePromotedTo() {
        WorldConfig config = WorldConfig.defaults().withEntities(400).withAreas(2, 2).withSeed(3)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(2))).withPassivesPerArea(1);
        WorldCore core = WorldCore.of(config, ComponentSetRegistry.builtIn());
        WorkloadDistributor distributor = new WorkloadDistributor(cluster, core, WAIT);
        SimulatorProtocol.Coordinator line = distributor.line(() -> closing);
        cluster.functions().register("simulator", () -> new SimulatorFunction(core, line, WAIT));
        for (String name : List.of("sim-a", "sim-b")) {
            cluster.apply(Container.of(name, Map.of(), ContainerSpec.of("simulator")
                    .withRestartPolicy(RestartPolicy.NEVER).withConfig(Map.of(SimulatorFunction.SET, "physics"))));
        }
        await().atMost(WAIT).until(() -> List.of("sim-a", "sim-b").stream()
                .allMatch(name -> cluster.container(name).map(c -> c.status().ready()).orElse(false)));
        distributor.post(new WorkloadDistributor.Up("sim-a", 0));
        distributor.post(new WorkloadDistributor.Up("sim-b", 0));
        distributor.awaitSimulators(new int[] {2});
        distributor.assignAll(core.spawn().partitions(), 0);
        String leaving = distributor.table().activeAreas().keySet().iterator().next();
        String staying = leaving.equals("sim-a") ? "sim-b" : "sim-a";
        Set<Integer> held = distributor.table().activeAreas().get(leaving);
        for (int area : held) {
            assertThat(distributor.table().passives(0, area)).containsExactly(staying);
        }

        // The cluster's watch reports the stop (running, no longer ready) and the coordinator settles before the
        // container's stop hook has handed its areas over.
        distributor.post(new WorkloadDistributor.Stopping(leaving, false));
        distributor.settle();
        for (int area : held) {
            assertThat(distributor.table().passives(0, area)).as("passives of area %d", area).containsExactly(staying);
        }
        cluster.stop(leaving);
        distributor.awaitResolution(leaving);

        assertThat(distributor.table().promotions()).isEqualTo(held.size());
        assertThat(distributor.table().migrations()).isZero();
        assertThat(distributor.table().activeAreas()).containsOnlyKeys(staying);
        assertThat(distributor.table().activeAreas().get(staying)).containsExactlyInAnyOrder(0, 1, 2, 3);
        distributor.close();
    }
}
