package org.vvmhost.services.cluster.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Runs the cluster benchmarks with short iterations, then measures a virtual-time scenario of 10^6 requests.
 * {@code mvn -B -o -q -pl services -am -P cluster-bench test-compile} (see services/pom.xml). Arguments:
 * {@code [iterationSeconds] [forks] [include regex]}, default 1, 1 and every cluster benchmark.
 */
public final class ClusterBenchmarks {

    private ClusterBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, java.io.IOException {
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

    /** 10^6 requests at 20,000/s for 50 s of virtual time, on 4 containers of 0.1 ms mean service time, with the
     *  shipped kinds of fault; prints the wall-clock seconds it took. */
    static void virtualScenario() throws java.io.IOException {
        Path dir = Files.createTempDirectory("cluster-bench");
        Path manifests = dir.resolve("manifests.yaml");
        Files.writeString(manifests, """
                kind: Container
                metadata: {name: fast-a, labels: {app: fast}}
                spec: {image: demo, mailboxCapacity: 4096, config: {serviceTimeMs: "0.1"}}
                ---
                kind: Container
                metadata: {name: fast-b, labels: {app: fast}}
                spec: {image: demo, mailboxCapacity: 4096, config: {serviceTimeMs: "0.1"}}
                ---
                kind: ReplicaSet
                metadata: {name: fast-rs}
                spec:
                  replicas: 2
                  selector: {app: fast}
                  template:
                    metadata: {labels: {app: fast}}
                    spec: {image: demo, mailboxCapacity: 4096, config: {serviceTimeMs: "0.1"}}
                ---
                kind: Service
                metadata: {name: fast}
                spec: {selector: {app: fast}, balancer: LeastConnections}
                """);
        Path scenario = dir.resolve("scenario.yaml");
        Files.writeString(scenario, """
                horizon_s: 50
                events:
                  - {id: down-a, kind: SERVER_DOWN, target: fast-a, t_start: 10, t_end: 20}
                  - {id: spike-b, kind: NETWORK_SPIKE, target: fast-b, t_start: 25, t_end: 30, spike_s: 0.01}
                  - {id: kill, kind: CONTAINER_KILL, target: fast-rs, t_start: 35}
                  - {id: scale, kind: SCALE, target: fast-rs, t_start: 40, replicas: 4}
                """);
        ClusterScenarioRunner.Settings settings = ClusterScenarioRunner.Settings.of(manifests)
                .withScenario(scenario).withVirtualTime(true).withRate(20_000).withSeed(1)
                .withDuration(Duration.ofSeconds(50));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        // A short warm-up run without the timeline (whose events lie beyond 5 s).
        ClusterScenarioRunner.run(ClusterScenarioRunner.Settings.of(manifests).withVirtualTime(true).withRate(20_000)
                .withDuration(Duration.ofSeconds(5)), quiet);
        long start = System.nanoTime();
        ScenarioMetrics metrics = ClusterScenarioRunner.run(settings, quiet);
        double wall = (System.nanoTime() - start) / 1e9;
        System.out.printf("%nVirtual-time scenario: %d requests (%d ok, %d failed) over %.0f s of virtual time"
                        + " in %.2f s of wall-clock time (%.0f requests/s)%n", metrics.sent(), metrics.succeeded(),
                metrics.failed(), metrics.durationS(), wall, metrics.sent() / wall);
        Files.delete(manifests);
        Files.delete(scenario);
        Files.delete(dir);
    }
}
