package org.vvmhost.services.cluster.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Virtual-time runs whose metrics JSON must stay byte for byte what it was when the golden files were written: any
 * change to the cluster's or the generator's order of events, to the balancers or to the recorder shows here.
 * Between them they cover both kinds of service time, every balancer, outages, spikes, kills, stops, scaling,
 * full mailboxes and timeouts.
 */
class GoldenMetricsTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "cluster");
    private static final Path RESOURCES = Path.of("src", "test", "resources", "org", "vvmhost", "services", "cluster");
    private static final Path GOLDEN = RESOURCES.resolve(Path.of("demo", "golden"));

    @TempDir
    Path dir;

    static Stream<Arguments> runs() {
        Path shipped = EXAMPLES.resolve("manifests.yaml");
        Path shippedScenario = EXAMPLES.resolve("scenario.yaml");
        Path overload = GOLDEN.resolve("overload.yaml");
        Path overloadScenario = GOLDEN.resolve("overload-scenario.yaml");
        Duration second = Duration.ofSeconds(1);
        return Stream.of(
                Arguments.of("shipped-rate500-seed42.json",
                        settings(shipped, shippedScenario, null, 500, 42, null, second)),
                Arguments.of("shipped-pool-rate400-seed5.json",
                        settings(shipped, shippedScenario, null, 400, 5, "demo-pool", second)),
                Arguments.of("round-robin-4-rate20000-5s-seed1.json",
                        settings(RESOURCES.resolve(Path.of("bench", "round-robin-4.yaml")), null,
                                Duration.ofSeconds(5), 20_000, 1, null, second)),
                Arguments.of("overload-least-seed3.json",
                        settings(overload, overloadScenario, null, 1500, 3, "least", Duration.ofMillis(500))),
                Arguments.of("overload-random-seed3.json",
                        settings(overload, overloadScenario, null, 1500, 3, "random", Duration.ofMillis(500))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void theMetricsJsonIsTheGoldenOne(String golden, ClusterScenarioRunner.Settings settings) throws IOException {
        Path written = dir.resolve(golden);

        ClusterScenarioRunner.run(settings.withJsonOut(written),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(Files.readString(written)).isEqualTo(Files.readString(GOLDEN.resolve(golden)));
    }

    private static ClusterScenarioRunner.Settings settings(Path manifests, Path scenario, Duration duration,
                                                           double rate, long seed, String service, Duration timeout) {
        return new ClusterScenarioRunner.Settings(manifests, scenario, true, duration, rate, seed, null, service,
                timeout);
    }
}
