package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplicaSetControllerTest {

    private final VirtualClusterFixture fixture = new VirtualClusterFixture();
    private final Cluster cluster = fixture.cluster;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void scalesUpAndDownWithRandomSuffixNames() {
        cluster.apply(ReplicaSet.of("web", 3, Map.of("app", "web"), ContainerSpec.of("count")));
        fixture.settle();

        assertThat(fixture.readyReplicas("web")).hasSize(3).allMatch(n -> n.matches("web-[a-z0-9]{5}"));

        cluster.scale("web", 5);
        fixture.settle();
        assertThat(fixture.readyReplicas("web")).hasSize(5);

        cluster.scale("web", 1);
        fixture.settle();
        assertThat(fixture.replicaNames("web")).hasSize(1);
        assertThat(fixture.readyReplicas("web")).hasSize(1);
    }

    @Test
    void aKilledReplicaThatWillNotRestartIsReplaced() {
        cluster.apply(ReplicaSet.of("web", 3, Map.of("app", "web"),
                ContainerSpec.of("count").withRestartPolicy(RestartPolicy.NEVER)));
        fixture.settle();
        List<String> before = fixture.readyReplicas("web");
        String victim = before.get(1);

        cluster.kill(victim);
        fixture.settle();

        List<String> after = fixture.readyReplicas("web");
        assertThat(after).hasSize(3).doesNotContain(victim);
        assertThat(after).containsAll(before.stream().filter(n -> !n.equals(victim)).toList());
        assertThat(cluster.container(victim)).isEmpty();
    }

    @Test
    void aKilledReplicaUnderAlwaysIsRestartedInPlace() {
        cluster.apply(ReplicaSet.of("web", 2, Map.of("app", "web"), ContainerSpec.of("count")));
        fixture.settle();
        String victim = fixture.readyReplicas("web").get(0);

        cluster.kill(victim);
        fixture.clock.runDue();
        assertThat(cluster.container(victim).orElseThrow().status().phase()).isEqualTo(ContainerStatus.Phase.FAILED);
        assertThat(cluster.container(victim).orElseThrow().status().reason()).isEqualTo("Killed");

        fixture.clock.runFor(Duration.ofSeconds(1));
        ContainerStatus status = cluster.container(victim).orElseThrow().status();
        assertThat(status.ready()).isTrue();
        assertThat(status.restarts()).isEqualTo(1);
        assertThat(fixture.replicaNames("web")).hasSize(2);
    }

    @Test
    void deletingAMiddleReplicaCreatesOneNewAndKeepsTheOthers() {
        cluster.apply(ReplicaSet.of("web", 3, Map.of("app", "web"), ContainerSpec.of("count")));
        fixture.settle();
        List<String> before = new ArrayList<>(fixture.readyReplicas("web"));
        before.sort(null);
        String middle = before.get(1);

        cluster.delete(Kind.CONTAINER, middle);
        fixture.settle();

        List<String> after = fixture.readyReplicas("web");
        assertThat(after).hasSize(3).contains(before.get(0), before.get(2)).doesNotContain(middle);
    }

    @Test
    void deletingTheReplicaSetDeletesItsContainers() {
        cluster.apply(ReplicaSet.of("web", 2, Map.of("app", "web"), ContainerSpec.of("count")));
        fixture.settle();

        cluster.delete(Kind.REPLICA_SET, "web");
        fixture.settle();

        assertThat(cluster.store().list(Container.class)).isEmpty();
    }

    @Test
    void aPeriodicResyncRepairsWhatNoEventReported() {
        cluster.apply(ReplicaSet.of("web", 2, Map.of("app", "web"), ContainerSpec.of("count")));
        fixture.settle();
        // Scaling through the store directly is just another writer; the controller must converge either way.
        ReplicaSet current = cluster.store().get(ReplicaSet.class, "web").orElseThrow();
        cluster.store().update(current.withReplicas(4));
        fixture.clock.runFor(Duration.ofSeconds(2));

        assertThat(fixture.readyReplicas("web")).hasSize(4);
    }
}
