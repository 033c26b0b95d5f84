package org.vvmhost.e2e;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures planned switchovers between two {@code vvmhost run} processes (the image's command line, the example world
 * of {@code examples/world/world.yaml}, the default lease TTL) on a local etcd that it starts itself: 10 times {@code POST
 * /switchover} to the leader naming the standby, timed from the request to the new leader's {@code services started}
 * line (and to its {@code leadership acquired}). Then, after a quiet minute (or the seconds given as its argument),
 * reads the keepalive round trips from each replica's {@code vvmhost_lease_keepalive_duration_seconds} histogram and
 * prints their p50 and p99, interpolated within the buckets as Prometheus' {@code histogram_quantile} does. Not a test.
 *
 * <p>Needs {@code etcd} on the PATH and the Prometheus text-format parser ({@code python3-prometheus-client}). Build
 * first ({@code mvn -B -o -q clean package -DskipTests}), then from the project root:
 * {@code java -cp vvmhost/target/test-classes:vvmhost/target/vvmhost.jar org.vvmhost.e2e.SwitchoverBenchmark}.
 */
public final class SwitchoverBenchmark {

    private static final int RUNS = 10;
    private static final Duration BUDGET = Duration.ofSeconds(120);
    private static final String TOKEN = "switchover-benchmark";
    private static final String KEEPALIVE = "vvmhost_lease_keepalive_duration_seconds";

    private SwitchoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration quiet = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60);
        ImageCommand image = ImageCommand.read(Path.of("Dockerfile"), Path.of("vvmhost/target/vvmhost.jar"));
        String python = PrometheusText.interpreter().orElseThrow(() -> new IllegalStateException(
                "no Prometheus text-format parser: apt-get install python3-prometheus-client"));
        Path token = Files.createTempFile("vvm-switchover-token-", "");
        Files.writeString(token, TOKEN);
        try (LocalEtcd etcd = LocalEtcd.start(BUDGET)) {
            List<String> common = List.of("run", "--etcd-endpoints", etcd.endpoint().toString(), "--election",
                    "bench-switchover", "--world-config", "examples/world/world.yaml",
                    "--api-token-file", token.toString());
            System.out.println("etcd " + etcd.endpoint() + "; command line: "
                    + String.join(" ", image.commandLine(common)) + " --instance-id <a|b>");
            RunningReplica a = RunningReplica.start(image, withId(common, "a"), "a", BUDGET);
            RunningReplica b = RunningReplica.start(image, withId(common, "b"), "b", BUDGET);
            try {
                RunningReplica leader = RunningReplica.awaitRoles(a, b, BUDGET);
                List<Double> toServices = new ArrayList<>();
                for (int run = 1; run <= RUNS; run++) {
                    RunningReplica successor = leader == a ? b : a;
                    double[] millis = switchOver(leader, successor);
                    toServices.add(millis[1]);
                    System.out.printf("run %2d: %s → %s: request → leadership acquired %.0f ms, → services started "
                            + "%.0f ms%n", run, leader.id(), successor.id(), millis[0], millis[1]);
                    leader = RunningReplica.awaitRoles(a, b, BUDGET);
                }
                System.out.printf("switchover, median of %d at the example world: request → the new leader's "
                        + "services started %.0f ms (min %.0f, max %.0f)%n", RUNS, median(toServices),
                        Collections.min(toServices), Collections.max(toServices));
                // More keepalives, with nothing else asked of etcd than the leader's backups.
                TimeUnit.SECONDS.sleep(quiet.toSeconds());
                for (RunningReplica replica : List.of(a, b)) {
                    PrometheusText metrics = PrometheusText.parse(python, replica.api().get("/metrics").body());
                    PrometheusText.Family keepalives = metrics.family(KEEPALIVE).orElseThrow();
                    System.out.printf("keepalive round trip on %s (%.0f keepalives, %.0f failed): p50 %.2f ms, "
                            + "p99 %.2f ms%n", replica.id(), metrics.value(KEEPALIVE + "_count").orElse(0.0),
                            metrics.value("vvmhost_lease_keepalive_failures_total").orElse(0.0),
                            quantile(keepalives, 0.5) * 1000, quantile(keepalives, 0.99) * 1000);
                }
            } catch (IllegalStateException e) {
                for (RunningReplica replica : List.of(a, b)) {
                    System.out.println("--- " + replica.id() + "\n" + replica.process().output());
                }
                throw e;
            } finally {
                for (RunningReplica replica : List.of(a, b)) {
                    replica.process().sigterm();
                    replica.process().awaitExit(BUDGET);
                    replica.process().close();
                }
            }
        } finally {
            Files.deleteIfExists(token);
        }
    }

    /** Returns the milliseconds from the request to the successor's acquired and services-started lines. */
    private static double[] switchOver(RunningReplica leader, RunningReplica successor) throws Exception {
        long asked = System.nanoTime();
        ApiClient.Answer answer = leader.api().send(HttpRequest.newBuilder(leader.api().base().resolve("/switchover"))
                .timeout(BUDGET)
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\": \"" + successor.id() + "\"}"))
                .build());
        if (answer.status() != 200) {
            throw new IllegalStateException("the switchover answered " + answer.status() + ": " + answer.body());
        }
        long deadline = asked + BUDGET.toNanos();
        while (System.nanoTime() < deadline) {
            ReplicaLog log = ReplicaLog.of(successor.process().timedLines().stream()
                    .filter(line -> line.nanos() >= asked).toList());
            if (log.servicesStartedNanos().isPresent()) {
                return new double[] {(log.acquiredNanos().orElseThrow() - asked) / 1e6,
                        (log.servicesStartedNanos().getAsLong() - asked) / 1e6};
            }
            // Only how often we look: the time measured is when the line arrived.
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new IllegalStateException(successor.id() + " did not start its services within " + BUDGET);
    }

    /**
     * The {@code q} quantile of a Prometheus histogram, in its unit: linear within the bucket it falls in, as
     * {@code histogram_quantile} does.
     */
    static double quantile(PrometheusText.Family histogram, double q) {
        List<PrometheusText.Sample> buckets = histogram.samples().stream()
                .filter(sample -> sample.name().endsWith("_bucket"))
                .sorted(Comparator.comparingDouble(SwitchoverBenchmark::upperBound))
                .toList();
        double total = buckets.get(buckets.size() - 1).value();
        double rank = q * total;
        double lowerBound = 0;
        double below = 0;
        for (PrometheusText.Sample bucket : buckets) {
            double upperBound = upperBound(bucket);
            if (bucket.value() >= rank) {
                if (Double.isInfinite(upperBound)) {
                    return lowerBound;
                }
                return lowerBound + (upperBound - lowerBound) * (rank - below) / (bucket.value() - below);
            }
            lowerBound = upperBound;
            below = bucket.value();
        }
        return Double.NaN;
    }

    private static List<String> withId(List<String> common, String id) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of("--instance-id", id));
        return args;
    }

    private static double upperBound(PrometheusText.Sample bucket) {
        String le = bucket.labels().get("le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
