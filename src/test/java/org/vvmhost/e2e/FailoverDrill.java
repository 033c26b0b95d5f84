package org.vvmhost.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The failover drill as a measuring {@code main} (not a test): it starts its own etcd on loopback, runs
 * {@code --replicas} {@code vvmhost run} processes (the image's command line) and {@code --rounds} failovers,
 * alternating SIGTERM and SIGKILL of the leader (or the {@code --kinds} given, SIGSTOP too), then prints a table, a
 * summary and a verdict. It exits 1 when a promise broke (a deposed leader's write in etcd's history, data lost on
 * SIGTERM, more than a backup interval and the write in flight lost on SIGKILL, two leaders at once, a world that
 * diverged from the uninterrupted reference).
 *
 * <p>Needs the {@code etcd} binary on the PATH (Debian: {@code etcd-server}). Build first
 * ({@code mvn -B -o -q clean package -DskipTests}), then from the project root:
 * {@code java -cp vvmhost/target/test-classes:vvmhost/target/vvmhost.jar org.vvmhost.e2e.FailoverDrill}.
 */
@Command(name = "FailoverDrill", mixinStandardHelpOptions = true,
        description = "Runs replicas of vvmhost against a local etcd, fails the leader over, and measures.")
public final class FailoverDrill implements Callable<Integer> {

    @Option(names = "--rounds", defaultValue = "6", description = "Failovers, alternating SIGTERM and SIGKILL "
            + "(default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--kinds", split = ",", defaultValue = "SIGTERM,SIGKILL", description = "The rounds' kinds, in "
            + "turn: SIGTERM (graceful), SIGKILL (crash), SIGSTOP (paused until the successor leads, then resumed) "
            + "(default: ${DEFAULT-VALUE}).")
    List<Drill.Kind> kinds;

    @Option(names = "--replicas", defaultValue = "3", description = "Replicas running at any time "
            + "(default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--lease-ttl", defaultValue = "2",
            description = "Lease TTL in seconds (default: ${DEFAULT-VALUE}).")
    int leaseTtl;

    @Option(names = "--entities", defaultValue = "20000", description = "World entities (default: ${DEFAULT-VALUE}).")
    int entities;

    @Option(names = "--tick-rate", defaultValue = "20", description = "World ticks per second "
            + "(default: ${DEFAULT-VALUE}).")
    int tickRate;

    @Option(names = "--backup-interval", defaultValue = "20", description = "Ticks between world views "
            + "(default: ${DEFAULT-VALUE}).")
    int backupInterval;

    @Option(names = "--dwell", defaultValue = "4", description = "Seconds a new leader runs before the next signal, "
            + "plus a random part of up to one backup interval (default: ${DEFAULT-VALUE}).")
    int dwellSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random parts of the dwell "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-reference", negatable = false, description = "Skip the uninterrupted reference replica "
            + "that the world's hashes are compared with.")
    boolean noReference;

    @Option(names = "--dockerfile", defaultValue = "Dockerfile", description = "The image's Dockerfile, whose "
            + "command line the replicas run (default: ${DEFAULT-VALUE}).")
    Path dockerfile;

    @Option(names = "--jar", defaultValue = "vvmhost/target/vvmhost.jar", description = "The built jar "
            + "(default: ${DEFAULT-VALUE}).")
    Path jar;

    /** Held, so that its level sticks: the audit's etcd client would log gRPC's start-up notes between the lines. */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new FailoverDrill()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Drill.Settings settings;
        try {
            settings = new Drill.Settings("drill", replicas, rounds, kinds, Duration.ofSeconds(leaseTtl), entities,
                    tickRate, backupInterval, Duration.ofSeconds(dwellSeconds), Duration.ofSeconds(60), !noReference,
                    seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ImageCommand image = ImageCommand.read(dockerfile, jar);
        try (LocalEtcd etcd = LocalEtcd.start(settings.budget())) {
            System.out.println("etcd " + etcd.endpoint() + "; command line: " + String.join(" ",
                    image.commandLine(List.of("run", "--etcd-endpoints", etcd.endpoint().toString(), "--election",
                            settings.election(), "--lease-ttl", leaseTtl + "s"))) + " " + String.join(" ",
                    settings.worldArgs()));
            System.out.println(DrillReport.header());
            DrillReport report = Drill.run(image, etcd.endpoint(), settings, System.out);
            System.out.println();
            System.out.print(report.table());
            System.out.println();
            System.out.print(report.summary());
            return report.failures().isEmpty() ? 0 : 1;
        }
    }
}
