package org.vvmhost.services.cluster.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.services.cluster.InvalidInputException;

class ScenarioRunnerTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "cluster");

    @TempDir
    Path dir;

    @Test
    void aVirtualRunWithAFixedSeedGivesIdenticalJsonTwice() throws Exception {
        ClusterScenarioRunner.Settings settings = virtual(EXAMPLES.resolve("scenario.yaml"), null, 500, 42);

        ScenarioMetrics first = ClusterScenarioRunner.run(settings.withJsonOut(dir.resolve("a.json")), quiet());
        ScenarioMetrics second = ClusterScenarioRunner.run(settings.withJsonOut(dir.resolve("b.json")), quiet());

        assertThat(first.sent()).isGreaterThan(10_000);
        assertThat(first.succeeded()).isGreaterThan(first.sent() * 9 / 10);
        assertThat(first.events()).hasSize(9);
        assertThat(Files.readString(dir.resolve("a.json"))).isEqualTo(Files.readString(dir.resolve("b.json")));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void anotherSeedGivesOtherMetrics() {
        ScenarioMetrics one = ClusterScenarioRunner.run(virtual(null, Duration.ofSeconds(5), 200, 1), quiet());
        ScenarioMetrics two = ClusterScenarioRunner.run(virtual(null, Duration.ofSeconds(5), 200, 2), quiet());

        assertThat(one.latencyMs()).isNotEqualTo(two.latencyMs());
    }

    @Test
    void theTablePrintsLatencyThroughputErrorsAndContainers() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClusterScenarioRunner.run(virtual(EXAMPLES.resolve("scenario.yaml"), null, 100, 7),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String table = bytes.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("rate asked (req/s)                100.000", "rate achieved (req/s)",
                "latency p50 (ms)", "latency p99 (ms)", "throughput mean (req/s)",
                "served by demo-a", "served by demo-b", "SERVER_DOWN", "SERVER_UP", "CONTAINER_KILL");
    }

    @Test
    void aGeneratorThatMissedMoreThanOnePercentOfItsArrivalsIsWarnedAbout() {
        ScenarioMetrics metrics = ClusterScenarioRunner.run(virtual(null, Duration.ofSeconds(5), 200, 1),
                quiet());
        long onePercent = metrics.sent() / 99;

        assertThat(ClusterScenarioRunner.shortfall(metrics, 0, Duration.ZERO)).isEmpty();
        assertThat(ClusterScenarioRunner.shortfall(metrics, onePercent, Duration.ofMillis(3))).isEmpty();
        assertThat(ClusterScenarioRunner.shortfall(metrics, onePercent + 1, Duration.ofMillis(40)))
                .hasValueSatisfying(warning -> assertThat(warning).contains(
                        String.format(java.util.Locale.ROOT, "%.1f req/s achieved of 200.0 asked",
                                metrics.sent() / 5.0),
                        (onePercent + 1) + " of " + (metrics.sent() + onePercent + 1) + " requests due were not sent",
                        "up to 40 ms late", "lower --rate"));
    }

    @Test
    void aWallClockRunServesRequests() {
        ScenarioMetrics metrics = ClusterScenarioRunner.run(new ClusterScenarioRunner.Settings(
                EXAMPLES.resolve("manifests.yaml"), null, false, Duration.ofSeconds(1), 200, 3, null, null,
                Duration.ofSeconds(1)), quiet());

        assertThat(metrics.mode()).isEqualTo("wall-clock");
        assertThat(metrics.succeeded()).isPositive();
        assertThat(metrics.requestsPerContainer()).containsKeys("demo-a", "demo-b");
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> virtual(null, null, 0, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--rate: must be a positive number");
        assertThatThrownBy(() -> ClusterScenarioRunner.run(new ClusterScenarioRunner.Settings(
                dir.resolve("none.yaml"), null, true, null, 100, 1, null, null, Duration.ofSeconds(1)), quiet()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cannot be read");
    }

    private static ClusterScenarioRunner.Settings virtual(Path scenario, Duration duration, double rate, long seed) {
        return new ClusterScenarioRunner.Settings(EXAMPLES.resolve("manifests.yaml"), scenario, true, duration, rate,
                seed, null, null, Duration.ofSeconds(1));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
