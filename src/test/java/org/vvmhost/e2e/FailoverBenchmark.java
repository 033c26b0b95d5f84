package org.vvmhost.e2e;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Measures failover between two {@code vvmhost run} processes (the image's command line, lease TTL 2 s) on a local
 * etcd that it starts itself. For the default world and then the example world ({@code examples/world/world.yaml}),
 * 5 times: a leader runs until the standby behind it has read its first periodic world view (and, with a hot standby,
 * made its world warm at it) and is ready, then it gets SIGTERM; each run prints the time from the signal to the
 * standby's {@code leadership acquired} and to its {@code services started}, the ticks lost (the tick the leader
 * stopped at minus the tick the successor resumed from), and when the leader's final backup and its release were
 * logged, with the machine's load average. Then 5 times SIGKILL of the leader at the default world. Prints the
 * medians; a SIGTERM run that could not be set up, or whose leader lost its lease before it handed over (a busy
 * machine can stall it past its lease), is reported and left out of them. Not a test.
 *
 * <p>Needs the {@code etcd} binary on the PATH (Debian: {@code etcd-server}). Build first
 * ({@code mvn -B -o -q clean package -DskipTests}), then from the project root:
 * {@code java -cp vvmhost/target/test-classes:vvmhost/target/vvmhost.jar org.vvmhost.e2e.FailoverBenchmark}.
 * Optional arguments: the number of runs of each kind (5), the Dockerfile and the jar, by default {@code Dockerfile}
 * and {@code vvmhost/target/vvmhost.jar}. {@code -Dbench.worlds=default} (or {@code example}) measures one world,
 * {@code -Dbench.sigkill=false} leaves out the SIGKILL runs; {@code -Dbench.trace=true} prints both replicas'
 * lines of each run from the signal to the successor's {@code services started}, with when each arrived.
 */
public final class FailoverBenchmark {

    private static final String TTL = "2s";
    private static final Duration BUDGET = Duration.ofSeconds(90);
    private static final Duration WARM_BUDGET = Duration.ofSeconds(3);
    private static final List<String> EXAMPLE_WORLD = List.of("--world-config", "examples/world/world.yaml");
    /** {@code -Dbench.worlds=default}, or {@code example}, measures one world only; both by default. */
    private static final List<Boolean> WORLDS = switch (System.getProperty("bench.worlds", "both")) {
        case "default" -> List.of(false);
        case "example" -> List.of(true);
        default -> List.of(false, true);
    };
    /** {@code -Dbench.sigkill=false} leaves the SIGKILL runs out. */
    private static final boolean SIGKILL = Boolean.parseBoolean(System.getProperty("bench.sigkill", "true"));
    /** {@code -Dbench.trace=true} prints both replicas' lines from the signal to the successor's services, timed. */
    private static final boolean TRACE = Boolean.getBoolean("bench.trace");

    /** One failover's figures, in milliseconds from the signal; NaN where a line did not come. */
    private record Run(double acquired, double started, long ticksLost, double finalBackup, double released,
                       double read, double warm, double load, boolean leaseLost) {
    }

    /** A run that failed before the signal: nothing was measured. */
    private static final class NotSetUp extends RuntimeException {
        NotSetUp(IllegalStateException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private FailoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dockerfile = Path.of(args.length > 1 ? args[1] : "Dockerfile");
        Path jar = Path.of(args.length > 2 ? args[2] : "vvmhost/target/vvmhost.jar");
        ImageCommand image = ImageCommand.read(dockerfile, jar);
        try (LocalEtcd etcd = LocalEtcd.start(BUDGET)) {
            System.out.println("etcd " + etcd.endpoint() + "; command line: "
                    + String.join(" ", image.commandLine(List.of("run", "--lease-ttl", TTL, "..."))));
            List<String> summary = new ArrayList<>();
            for (boolean example : WORLDS) {
                String world = example ? "example world" : "default world";
                List<Run> graceful = new ArrayList<>();
                int failed = 0;
                for (int run = 1; run <= runs; run++) {
                    Run figures;
                    try {
                        figures = failover(image, etcd, "bench-sigterm-" + (example ? "example-" : "") + run,
                                example ? EXAMPLE_WORLD : List.of(), false);
                    } catch (NotSetUp e) {
                        // On a busy machine a leader can lose its lease before the signal: say so, and go on.
                        failed++;
                        System.out.printf("%s, run %d: not measured: %s%n", world, run, e.getMessage());
                        continue;
                    }
                    if (figures.leaseLost()) {
                        // The leader stalled past its lease before it could hand over: a crash failover, not this.
                        failed++;
                        System.out.printf("%s, run %d: not measured: the leader lost its lease before it handed "
                                        + "over (its log says 'leadership lost'); the successor took over %.0f ms "
                                        + "after the signal as after a crash, %d ticks lost; load average %.2f%n",
                                world, run, figures.started(), figures.ticksLost(), figures.load());
                        continue;
                    }
                    graceful.add(figures);
                    System.out.printf("%s, run %d: SIGTERM of the leader → standby's leadership acquired %.0f ms, "
                                    + "services started %.0f ms; ticks lost %d (the leader's final backup logged at "
                                    + "%.0f ms, its release at %.0f ms; the standby read the final view at %.0f ms "
                                    + "and had it warm at %.0f ms); load average %.2f%n", world, run,
                            figures.acquired(), figures.started(), figures.ticksLost(), figures.finalBackup(),
                            figures.released(), figures.read(), figures.warm(), figures.load());
                }
                summary.add(String.format("%s, median of %d (%d not measured), lease TTL %s: SIGTERM → acquired %.0f "
                                + "ms, → services started %.0f ms (min %.0f, max %.0f); ticks lost at most %d; load "
                                + "average %.2f (median)", world, graceful.size(), failed, TTL,
                        median(graceful.stream().map(Run::acquired).toList()),
                        median(graceful.stream().map(Run::started).toList()),
                        graceful.stream().mapToDouble(Run::started).min().orElse(Double.NaN),
                        graceful.stream().mapToDouble(Run::started).max().orElse(Double.NaN),
                        graceful.stream().mapToLong(Run::ticksLost).max().orElse(-1),
                        median(graceful.stream().map(Run::load).toList())));
            }
            List<Run> crash = new ArrayList<>();
            for (int run = 1; run <= (SIGKILL ? runs : 0); run++) {
                crash.add(failover(image, etcd, "bench-sigkill-" + run, List.of(), true));
                System.out.printf("default world, run %d: SIGKILL of the leader → standby's leadership acquired %.0f "
                        + "ms, services started %.0f ms%n", run, crash.get(run - 1).acquired(),
                        crash.get(run - 1).started());
            }
            if (SIGKILL) {
                summary.add(String.format("default world, median of %d, lease TTL %s: SIGKILL → acquired %.0f ms, → "
                                + "services started %.0f ms", runs, TTL,
                        median(crash.stream().map(Run::acquired).toList()),
                        median(crash.stream().map(Run::started).toList())));
            }
            summary.forEach(System.out::println);
        }
    }

    /** One failover in a fresh election, once the standby has read a periodic view of the leader and is ready. */
    private static Run failover(ImageCommand image, LocalEtcd etcd, String election, List<String> world,
                                boolean crash) throws Exception {
        RunningReplica leader = start(image, etcd, election, "a", world);
        try {
            expect(leader.process(), "services started");
            RunningReplica standby = start(image, etcd, election, "b", world);
            try {
                try {
                    expect(standby.process(), "standby: preloaded world view");
                    // A build with a hot standby says when its world is warm; one without never does.
                    standby.process().awaitLineContaining("standby: warm world at", WARM_BUDGET);
                    if (RunningReplica.awaitRoles(leader, standby, BUDGET) != leader) {
                        throw new IllegalStateException("the standby leads: the leader lost its term before the "
                                + "signal");
                    }
                } catch (IllegalStateException e) {
                    throw new NotSetUp(e);
                }
                // The machine's one-minute load average at the signal: figures of a busy machine say so.
                double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                long signalled = System.nanoTime();
                if (crash) {
                    leader.process().kill();
                } else {
                    leader.process().sigterm();
                }
                ReplicaLog successor = awaitServices(standby.process(), signalled);
                leader.process().awaitExit(BUDGET);
                ReplicaLog leaving = ReplicaLog.of(leader.process().timedLines());
                if (TRACE) {
                    trace(signalled, successor.servicesStartedNanos().orElseThrow(), leader, standby);
                }
                standby.process().sigterm();
                standby.process().awaitExit(BUDGET);
                long reached = leaving.simulationStops().stream().mapToLong(ReplicaLog.TickHash::tick).max()
                        .orElse(-1);
                long resumed = successor.restored().map(ReplicaLog.TickHash::tick).orElse(-1L);
                return new Run(since(signalled, successor.acquiredNanos()),
                        since(signalled, successor.servicesStartedNanos()), crash ? 0 : reached - resumed,
                        since(signalled, leaving.arrivalOf("final backup: saved")),
                        since(signalled, leaving.arrivalOf("leadership released")),
                        since(signalled, successor.arrivalOf("standby: preloaded world view")),
                        since(signalled, successor.arrivalOf("standby: warm world at")), load,
                        leaving.arrivalOf("leadership lost").isPresent());
            } finally {
                standby.process().close();
            }
        } finally {
            leader.process().close();
        }
    }

    private static RunningReplica start(ImageCommand image, LocalEtcd etcd, String election, String name,
                                        List<String> world) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("run", "--etcd-endpoints", etcd.endpoint().toString(),
                "--election", election, "--instance-id", name + "-" + election, "--lease-ttl", TTL));
        args.addAll(world);
        return RunningReplica.start(image, args, name + "-" + election, BUDGET);
    }

    /** The successor's lines from the signal on, once it logged {@code services started}. */
    private static ReplicaLog awaitServices(HostProcess standby, long signalled) throws InterruptedException {
        long deadline = signalled + BUDGET.toNanos();
        while (System.nanoTime() < deadline) {
            ReplicaLog log = ReplicaLog.of(standby.timedLines().stream()
                    .filter(line -> line.nanos() >= signalled).toList());
            if (log.servicesStartedNanos().isPresent()) {
                return log;
            }
            // Only how often we look: the time measured is when the line arrived.
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new IllegalStateException("no 'services started' from " + standby.pid() + ":\n" + standby.output());
    }

    /** Each line either replica logged from {@code signalled} to {@code until}, in ms since the signal. */
    private static void trace(long signalled, long until, RunningReplica... replicas) {
        List<String> lines = new ArrayList<>();
        for (RunningReplica replica : replicas) {
            for (HostProcess.Line line : replica.process().timedLines()) {
                if (line.nanos() >= signalled && line.nanos() <= until) {
                    lines.add(String.format("%8.1f ms  %s  %s", (line.nanos() - signalled) / 1e6,
                            replica.id(), line.text()));
                }
            }
        }
        Collections.sort(lines);
        lines.forEach(System.out::println);
    }

    private static double since(long signalled, OptionalLong nanos) {
        return nanos.isPresent() ? (nanos.getAsLong() - signalled) / 1e6 : Double.NaN;
    }

    private static void expect(HostProcess host, String text) throws InterruptedException {
        if (host.awaitLineContaining(text, BUDGET).isEmpty()) {
            throw new IllegalStateException("no line '" + text + "' from " + host.pid() + ":\n" + host.output());
        }
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
