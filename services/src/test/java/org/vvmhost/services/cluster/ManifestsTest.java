package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManifestsTest {

    private final VirtualClusterFixture fixture = new VirtualClusterFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void readsTheShippedExample() {
        List<Resource> resources = Manifests.read(Path.of("..", "examples", "cluster", "manifests.yaml"));

        assertThat(resources).extracting(Resource::kind).containsExactly(Kind.CONTAINER, Kind.CONTAINER,
                Kind.REPLICA_SET, Kind.SERVICE, Kind.SERVICE);
        ReplicaSet pool = (ReplicaSet) resources.get(2);
        assertThat(pool.replicas()).isEqualTo(2);
        assertThat(pool.template().labels()).containsEntry("tier", "pool");
        assertThat(((ClusterService) resources.get(4)).balancer()).isEqualTo(BalancerKind.LEAST_CONNECTIONS);
    }

    @Test
    void applyCreatesThenUpdates() {
        String yaml = """
                kind: ReplicaSet
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {app: web}
                  template: {metadata: {labels: {app: web}}, spec: {image: count, restartPolicy: OnFailure}}
                ---
                kind: Service
                metadata: {name: web}
                spec: {selector: {app: web}, balancer: Random}
                """;
        fixture.cluster.apply(Manifests.parse(yaml));
        fixture.settle();
        assertThat(fixture.readyReplicas("web")).hasSize(2);

        fixture.cluster.apply(Manifests.parse(yaml.replace("replicas: 2", "replicas: 3")));
        fixture.settle();
        assertThat(fixture.readyReplicas("web")).hasSize(3);
        assertThat(fixture.cluster.routable("web")).hasSize(3);

        Manifests.delete(fixture.cluster, Manifests.parse(yaml));
        fixture.settle();
        assertThat(fixture.cluster.store().list(Container.class)).isEmpty();
        assertThat(fixture.cluster.routable("web")).isEmpty();
    }

    @Test
    void anInvalidDocumentIsNamedWithItsFieldAndNothingIsApplied() {
        String yaml = """
                kind: Container
                metadata: {name: fine}
                spec: {image: count}
                ---
                kind: Service
                metadata: {name: web}
                spec: {selector: {}, balancer: Fastest}
                ---
                kind: Container
                metadata: {name: Bad_Name}
                spec: {image: count, mailboxCapacity: 0, restartPolicy: Sometimes}
                ---
                kind: Pod
                metadata: {name: p}
                spec: {}
                """;

        assertThatThrownBy(() -> fixture.cluster.apply(Manifests.parse(yaml)))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).problems()).containsExactly(
                        "document 2 (Service 'web'): spec.selector: must not be empty: give at least one label, for"
                                + " example {app: demo}",
                        "document 2 (Service 'web'): spec.balancer: must be RoundRobin, LeastConnections or Random,"
                                + " not 'Fastest'",
                        "document 3 (Container 'Bad_Name'): metadata.name: 'Bad_Name' must be lower-case letters,"
                                + " digits and '-', starting and ending with a letter or digit",
                        "document 3 (Container 'Bad_Name'): spec.restartPolicy: must be Always, OnFailure or Never,"
                                + " not 'Sometimes'",
                        "document 3 (Container 'Bad_Name'): spec.mailboxCapacity: must be a whole number of at"
                                + " least 1, not 0",
                        "document 4: kind: must be Container, ReplicaSet or Service, not 'Pod'"));
        fixture.settle();
        assertThat(fixture.cluster.store().list(Container.class)).isEmpty();
    }

    @Test
    void replicaSetSelectorMustMatchItsTemplateAndFieldsMustBeKnown() {
        assertThatThrownBy(() -> Manifests.parse("""
                kind: ReplicaSet
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector: {app: web}
                  template: {metadata: {labels: {app: other}}, spec: {image: count, imagePullPolicy: x}}
                """))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).problems()).containsExactly(
                        "document 1 (ReplicaSet 'web'): spec.template.spec.imagePullPolicy: unknown field; expected"
                                + " one of image, restartPolicy, mailboxCapacity, config",
                        "document 1 (ReplicaSet 'web'): spec.selector: does not match spec.template.metadata.labels"
                                + " {app=other}: every selector pair must be among the template's labels"));
    }

    @Test
    void aMistypedValueIsNamedWithItsDocumentAndField() {
        assertThatThrownBy(() -> Manifests.parse("""
                kind: ReplicaSet
                metadata: {name: web}
                spec:
                  replicas: two
                  selector: {app: web}
                  template: {metadata: {labels: {app: web}}, spec: {image: count}}
                ---
                kind: Container
                metadata: {name: c, labels: {app: [1]}}
                spec: {image: count}
                """))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).problems()).containsExactly(
                        "document 1 (ReplicaSet 'web'): spec.replicas: must be a whole number of at least 0, not"
                                + " \"two\"",
                        "document 2: metadata.labels.app: must be a plain value (string or number)"));
    }

    @Test
    void duplicatesAndYamlErrorsAreReported() {
        assertThatThrownBy(() -> Manifests.parse("""
                kind: Container
                metadata: {name: a}
                spec: {image: count}
                ---
                kind: Container
                metadata: {name: a}
                spec: {image: count}
                """)).hasMessageContaining("document 2: Container 'a' is already defined by document 1");
        assertThatThrownBy(() -> Manifests.parse("kind: [unclosed"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("document 1: not valid YAML");
    }

    @Test
    void anInvalidSelectorGivenThroughJavaIsReportedByTheServiceController() {
        fixture.cluster.apply(ClusterService.of("bad", Map.of(), BalancerKind.ROUND_ROBIN));
        fixture.settle();

        assertThat(fixture.cluster.serviceProblem("bad")).contains(
                "spec.selector must not be empty: give at least one label, for example {app: demo}");
        assertThatThrownBy(() -> fixture.cluster.sendToService("bad", TestFunctions.msg(1)))
                .isInstanceOf(NoRoutableEndpointException.class).hasMessageContaining("spec.selector must not be empty");
    }
}
