package org.vvmhost.services.cluster.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.vvmhost.services.cluster.demo.ClusterScenarioRunner;
import org.vvmhost.services.cluster.demo.ScenarioMetrics;

/**
 * Runs the cluster benchmarks with short iterations (the messaging benchmark beside its queue baseline), then
 * measures a virtual-time scenario of 10^6 requests.
 * {@code mvn -B -o -q -pl services -am -P cluster-bench test-compile} (see services/pom.xml). Arguments:
 * {@code [iterationSeconds] [forks] [include regex]}, default 1, 1 and every cluster benchmark.
 */
public final class ClusterBenchmarks {

    private ClusterBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, IOException, URISyntaxException {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int forks = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String include = args.length > 2 ? args[2] : "org\\.vvmhost\\.services\\.cluster\\..*Benchmark";
        Options options = new OptionsBuilder()
                .include(include)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(seconds))
                .forks(forks)
                .build();
        new Runner(options).run();
        virtualScenario();
    }

    /**
     * 10^6 requests in virtual time: Poisson arrivals at 20,000/s for 50 s to 4 containers behind a round-robin
     * service, 0.12 ms fixed service time. The first run in this JVM is cold (its code is not compiled yet, as in a
     * fresh {@code vvmhost cluster run}); the runs after it are warm. Prints the wall-clock time of each, and the CPU
     * time of the thread that drives the simulation, which a busy machine inflates less.
     */
    static void virtualScenario() throws IOException, URISyntaxException {
        Path manifests = Path.of(ClusterBenchmarks.class.getResource("round-robin-4.yaml").toURI());
        ClusterScenarioRunner.Settings settings = new ClusterScenarioRunner.Settings(manifests, null, true,
                Duration.ofSeconds(50), 20_000, 1, null, null, Duration.ofSeconds(1));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            ScenarioMetrics metrics = ClusterScenarioRunner.run(settings, quiet);
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            System.out.printf("Virtual-time scenario, %s run: %d requests (%d ok) over %.0f s of virtual time in %.2f s"
                            + " of wall-clock time (%.0f simulated requests/s), %.2f s of CPU time on its thread%n",
                    run == 0 ? "cold" : "warm", metrics.sent(), metrics.succeeded(), metrics.durationS(), wall,
                    metrics.sent() / wall, cpu);
        }
    }
}
