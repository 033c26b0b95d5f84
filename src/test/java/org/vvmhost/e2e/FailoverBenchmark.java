package org.vvmhost.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measures failover between two {@code vvmhost run} processes (the image's command line, lease TTL 2s) on a local
 * etcd that it starts itself: 5 times the time from SIGTERM of the leader to {@code leadership acquired} on the
 * standby, then 5 times the same after SIGKILL. Prints each run and the medians. Not a test.
 *
 * <p>Needs the {@code etcd} binary on the PATH (Debian: {@code etcd-server}). Build first
 * ({@code mvn -B -o -q clean package -DskipTests}), then from the project root:
 * {@code java -cp vvmhost/target/test-classes:vvmhost/target/vvmhost.jar org.vvmhost.e2e.FailoverBenchmark}.
 * Optional arguments: the Dockerfile and the jar, by default {@code Dockerfile} and
 * {@code vvmhost/target/vvmhost.jar}.
 */
public final class FailoverBenchmark {

    private static final int RUNS = 5;
    private static final String TTL = "2s";
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private FailoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dockerfile = Path.of(args.length > 0 ? args[0] : "Dockerfile");
        Path jar = Path.of(args.length > 1 ? args[1] : "vvmhost/target/vvmhost.jar");
        ImageCommand image = ImageCommand.read(dockerfile, jar);
        try (LocalEtcd etcd = LocalEtcd.start(BUDGET)) {
            System.out.println("etcd " + etcd.endpoint() + "; command line: "
                    + String.join(" ", image.commandLine(List.of("run", "--lease-ttl", TTL, "..."))));
            List<Double> graceful = new ArrayList<>();
            List<Double> crash = new ArrayList<>();
            for (int run = 1; run <= RUNS; run++) {
                graceful.add(failover(image, etcd, "bench-sigterm-" + run, false));
                System.out.printf("run %d: SIGTERM of the leader → leadership acquired on the standby %.0f ms%n",
                        run, graceful.get(run - 1));
            }
            for (int run = 1; run <= RUNS; run++) {
                crash.add(failover(image, etcd, "bench-sigkill-" + run, true));
                System.out.printf("run %d: SIGKILL of the leader → leadership acquired on the standby %.0f ms%n",
                        run, crash.get(run - 1));
            }
            System.out.printf("median of %d, lease TTL %s: SIGTERM → acquired %.0f ms, SIGKILL → acquired %.0f ms%n",
                    RUNS, TTL, median(graceful), median(crash));
        }
    }

    /** One failover in a fresh election; returns the milliseconds from the signal to the standby's line. */
    private static double failover(ImageCommand image, LocalEtcd etcd, String election, boolean crash)
            throws InterruptedException {
        try (HostProcess leader = leader(image, etcd, election);
                HostProcess standby = standby(image, etcd, election)) {
            long signalled = System.nanoTime();
            if (crash) {
                leader.kill();
            } else {
                leader.sigterm();
            }
            expect(standby, "leadership acquired");
            double millis = (System.nanoTime() - signalled) / 1_000_000.0;
            standby.sigterm();
            standby.awaitExit(BUDGET);
            leader.awaitExit(BUDGET);
            return millis;
        }
    }

    /** The first replica, once it leads. */
    private static HostProcess leader(ImageCommand image, LocalEtcd etcd, String election) throws InterruptedException {
        HostProcess leader = HostProcess.start(image, args(etcd, election));
        try {
            expect(leader, "leadership acquired");
            return leader;
        } catch (IllegalStateException e) {
            leader.close();
            throw e;
        }
    }

    /** A second replica, once it waits in the election behind the leader. */
    private static HostProcess standby(ImageCommand image, LocalEtcd etcd, String election)
            throws InterruptedException {
        HostProcess standby = HostProcess.start(image, args(etcd, election));
        try {
            expect(standby, "waiting for " + election + "/");
            return standby;
        } catch (IllegalStateException e) {
            standby.close();
            throw e;
        }
    }

    private static List<String> args(LocalEtcd etcd, String election) {
        return List.of("run", "--etcd-endpoints", etcd.endpoint().toString(), "--election", election,
                "--lease-ttl", TTL);
    }

    private static void expect(HostProcess host, String text) throws InterruptedException {
        if (host.awaitLineContaining(text, BUDGET).isEmpty()) {
            throw new IllegalStateException("no line '" + text + "' from " + host.pid() + ":\n" + host.output());
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
