package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vvmhost.e2e.ImageCommand;
import org.vvmhost.time.ManualClock;
import picocli.CommandLine;

/**
 * deploy/kubernetes parsed into typed Kubernetes objects (fabric8's model): the probes ask endpoints the API serves on
 * the port it listens on, the container runs the image's command line, every VVM_ variable is a real option, and the
 * grace period outlasts the kill delay.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final List<HasMetadata> OBJECTS = new ArrayList<>();

    @BeforeAll
    static void parse() throws IOException {
        KubernetesSerialization serialization = new KubernetesSerialization();
        for (Path file : manifests()) {
            try (InputStream in = Files.newInputStream(file)) {
                Object parsed = serialization.unmarshal(in);
                if (parsed instanceof KubernetesList list) {
                    OBJECTS.addAll(list.getItems());
                } else if (parsed instanceof List<?> list) {
                    list.forEach(item -> OBJECTS.add((HasMetadata) item));
                } else {
                    OBJECTS.add((HasMetadata) parsed);
                }
            }
        }
    }

    @Test
    void theKustomizationListsEveryManifest() throws IOException {
        JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("kustomization.yaml")
                .toFile());
        List<String> resources = new ArrayList<>();
        kustomization.get("resources").forEach(node -> resources.add(node.asText()));

        assertThat(resources).containsExactlyInAnyOrderElementsOf(manifests().stream()
                .map(file -> file.getFileName().toString()).toList());
        assertThat(OBJECTS).allSatisfy(object -> assertThat(object.getMetadata().getName()).isNotBlank());
    }

    @Test
    void theContainerRunsTheImagesCommandLine() {
        ImageCommand image = ImageCommand.declared(Path.of("..", "Dockerfile"));
        Container container = vvmhostContainer();

        List<String> commandLine = new ArrayList<>(container.getCommand());
        commandLine.addAll(container.getArgs());
        assertThat(commandLine).isEqualTo(image.commandLine(List.of()));
    }

    @Test
    void theProbesAskRealEndpointsOnThePortTheApiListensOn() {
        Container container = vvmhostContainer();
        Set<String> endpoints = apiPaths();
        int port = Integer.parseInt(config().get("VVM_HTTP_PORT"));

        Map<String, Probe> probes = Map.of("startup", container.getStartupProbe(), "liveness",
                container.getLivenessProbe(), "readiness", container.getReadinessProbe());
        probes.forEach((kind, probe) -> {
            assertThat(probe).as(kind).isNotNull();
            assertThat(probe.getHttpGet().getPath()).as(kind).isIn(endpoints);
            assertThat(containerPort(container, probe.getHttpGet().getPort().getStrVal() != null
                    ? probe.getHttpGet().getPort().getStrVal() : probe.getHttpGet().getPort().getIntVal().toString()))
                    .as(kind + " port").isEqualTo(port);
        });
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        Service service = one(Service.class, "vvmhost");
        assertThat(containerPort(container, service.getSpec().getPorts().get(0).getTargetPort().getStrVal()))
                .isEqualTo(port);
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theGracePeriodOutlastsTheKillDelay() {
        Duration killDelay = new DurationConverter().convert(config().get("VVM_KILL_DELAY"));
        long grace = deployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();

        assertThat(Duration.ofSeconds(grace)).isGreaterThan(killDelay);
    }

    @Test
    void everyVvmVariableIsAnOptionOfRunAndEveryReferenceResolves() {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(Map.of())).commandLine();
        Set<String> variables = commandLine.getSubcommands().get("run").getCommandSpec().options().stream()
                .map(EnvironmentDefaults::variableName).collect(Collectors.toSet());
        Container container = vvmhostContainer();

        Stream.concat(config().keySet().stream(), container.getEnv().stream().map(EnvVar::getName))
                .filter(name -> name.startsWith("VVM_"))
                .forEach(name -> assertThat(variables).as("an option reads %s", name).contains(name));
        container.getEnv().stream().filter(env -> env.getValueFrom() != null
                        && env.getValueFrom().getSecretKeyRef() != null)
                .forEach(env -> assertThat(one(Secret.class, env.getValueFrom().getSecretKeyRef().getName())
                        .getStringData()).containsKey(env.getValueFrom().getSecretKeyRef().getKey()));
        deployment().getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null)
                .forEach(v -> assertThat(one(Secret.class, v.getSecret().getSecretName())).isNotNull());
    }

    @Test
    void theReplicasRunAsTheImagesUserOnAReadOnlyRootWithLimits() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container container = vvmhostContainer();

        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> assertThat(mount.getMountPath())
                .isEqualTo("/tmp"));
        PodDisruptionBudget budget = one(PodDisruptionBudget.class, "vvmhost");
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theSimulatorsRunTheImageAsSimulatorsWithProbesAnAutoscalerAndABudget() {
        Deployment simulators = one(Deployment.class, "vvmhost-simulator");
        Container container = simulators.getSpec().getTemplate().getSpec().getContainers().get(0);
        ImageCommand image = ImageCommand.declared(Path.of("..", "Dockerfile"));
        assertThat(container.getCommand()).isEqualTo(image.entrypoint());
        assertThat(container.getArgs()).containsExactly("simulator");

        Map<String, String> config = one(ConfigMap.class, "vvmhost-simulator-config").getData();
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(Map.of())).commandLine();
        Set<String> variables = commandLine.getSubcommands().get("simulator").getCommandSpec().options().stream()
                .map(EnvironmentDefaults::variableName).collect(Collectors.toSet());
        Stream.concat(config.keySet().stream(), container.getEnv().stream().map(EnvVar::getName))
                .filter(name -> name.startsWith("VVM_"))
                .forEach(name -> assertThat(variables).as("an option of simulator reads %s", name).contains(name));

        int http = Integer.parseInt(config.get("VVM_HTTP_PORT"));
        int grpc = Integer.parseInt(config.get("VVM_GRPC_PORT"));
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/livez");
        for (Probe probe : List.of(container.getLivenessProbe(), container.getReadinessProbe(),
                container.getStartupProbe())) {
            assertThat(containerPort(container, probe.getHttpGet().getPort().getStrVal())).isEqualTo(http);
        }
        assertThat(container.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("VVM_ADVERTISE_ADDRESS");
            assertThat(env.getValue()).endsWith(":" + grpc);
        });
        Service service = one(Service.class, "vvmhost-simulator");
        assertThat(service.getSpec().getSelector()).isEqualTo(simulators.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("grpc");
            assertThat(containerPort(container, port.getTargetPort().getStrVal())).isEqualTo(grpc);
        });

        HorizontalPodAutoscaler autoscaler = one(HorizontalPodAutoscaler.class, "vvmhost-simulator");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("vvmhost-simulator");
        assertThat(autoscaler.getSpec().getMetrics()).singleElement().satisfies(metric ->
                assertThat(metric.getResource().getName()).isEqualTo("cpu"));
        assertThat(container.getResources().getRequests()).as("the autoscaler measures against it").containsKey("cpu");
        assertThat(autoscaler.getSpec().getMinReplicas()).isLessThanOrEqualTo(autoscaler.getSpec().getMaxReplicas());
        assertThat(one(PodDisruptionBudget.class, "vvmhost-simulator").getSpec().getSelector().getMatchLabels())
                .isEqualTo(simulators.getSpec().getSelector().getMatchLabels());
        assertThat(simulators.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        Duration drain = new DurationConverter().convert(config.get("VVM_DRAIN_TIMEOUT"));
        Duration ttl = new DurationConverter().convert(config.get("VVM_LEASE_TTL"));
        assertThat(Duration.ofSeconds(simulators.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()))
                .as("the grace period outlasts the drain and the deregistration").isGreaterThan(drain.plus(ttl));
    }

    @Test
    void etcdHasThreeMembersAHeadlessServiceCompactionAndAQuota() {
        StatefulSet etcd = one(StatefulSet.class, "etcd");
        Service headless = one(Service.class, etcd.getSpec().getServiceName());

        assertThat(etcd.getSpec().getReplicas()).isEqualTo(3);
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        List<String> command = etcd.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
        assertThat(command).anyMatch(arg -> arg.startsWith("--auto-compaction-retention="))
                .anyMatch(arg -> arg.startsWith("--quota-backend-bytes="));
        String initialCluster = command.stream().filter(arg -> arg.startsWith("--initial-cluster=")).findFirst()
                .orElseThrow();
        for (int member = 0; member < etcd.getSpec().getReplicas(); member++) {
            assertThat(initialCluster).contains("etcd-" + member + "=http://etcd-" + member + "."
                    + headless.getMetadata().getName() + ":2380");
            assertThat(config().get("VVM_ETCD_ENDPOINTS")).contains("etcd-" + member + "."
                    + headless.getMetadata().getName() + ":2379");
        }
        assertThat(one(PodDisruptionBudget.class, "etcd").getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
    }

    private static Set<String> apiPaths() {
        ManualClock clock = new ManualClock();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ApiRoutes routes = new ApiRoutes(new ReplicaStatus(clock, "test", new SimpleMeterRegistry()),
                new ElectionReader(Optional.empty(), "test", clock), registry, clock, "test-host");
        return routes.routes().stream().filter(route -> route.method().equals("GET")).map(HttpApi.Route::path)
                .collect(Collectors.toSet());
    }

    private static int containerPort(Container container, String nameOrNumber) {
        return container.getPorts().stream()
                .filter(p -> nameOrNumber.equals(p.getName()) || nameOrNumber.equals(String.valueOf(p.getContainerPort())))
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + nameOrNumber))
                .getContainerPort();
    }

    private static Map<String, String> config() {
        return one(ConfigMap.class, "vvmhost-config").getData();
    }

    private static Deployment deployment() {
        return one(Deployment.class, "vvmhost");
    }

    private static Container vvmhostContainer() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("vvmhost")).findFirst().orElseThrow();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) {
        return OBJECTS.stream().filter(type::isInstance).map(type::cast)
                .filter(object -> object.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted()
                    .toList();
        }
    }
}
