package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * {@code vvmhost simulator} as a real process from the shaded jar, on a real etcd: it registers on its own lease,
 * answers its probes and the gRPC health check on the port it advertises, and on SIGTERM deregisters and exits 0.
 */
class SimulatorProcessIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration budget = TestTiming.current().scaled(Duration.ofSeconds(30));
    private final String election = "e2e-simulator-" + ProcessHandle.current().pid();
    private final ImageCommand image = ImageCommand.fromBuild();
    private HostProcess simulator;

    @AfterEach
    void killLeftover() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void registersServesAndDeregistersOnSigterm() throws Exception {
        simulator = HostProcess.start(image, List.of("simulator", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", election, "--simulator-id", "sim-1", "--lease-ttl", "2s", "--grpc-port", "0"),
                Map.of("VVM_HTTP_PORT", "0", "VVM_COMPONENT_SETS", "physics", "VVM_CAPACITY", "16"));
        URI api = simulator.apiUrl(budget).orElseThrow(() -> new AssertionError("no HTTP API: " + simulator.output()));
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(budget).until(() -> status(http, api.resolve("/readyz")) == 200);

        String key = election + "-data/simulators/sim-1";
        JsonNode registration = JSON.readTree(EtcdExtension.text(ETCD.get(key).orElseThrow().getValue()));
        assertThat(ETCD.get(key).orElseThrow().getLease()).as("on a lease of its own").isNotZero();
        assertThat(registration.get("id").asText()).isEqualTo("sim-1");
        assertThat(registration.get("componentSets")).hasToString("[\"physics\"]");
        assertThat(registration.get("capacity").asInt()).isEqualTo(16);
        assertThat(registration.get("pid").asLong()).isEqualTo(simulator.pid());
        String address = registration.get("address").asText();
        int grpcPort = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        assertThat(health(grpcPort)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        simulator.sigterm();
        assertThat(simulator.awaitExit(budget)).contains(0);
        assertThat(ETCD.get(key)).as("deregistered").isEmpty();
        assertThat(simulator.output()).contains("deregistered: revoked lease").doesNotContain("Exception");
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private HealthCheckResponse.ServingStatus health(int port) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(budget.toMillis(), TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
