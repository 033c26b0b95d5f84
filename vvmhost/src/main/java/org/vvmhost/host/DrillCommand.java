package org.vvmhost.host;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.vvmhost.host.drill.DrillException;
import org.vvmhost.host.drill.DrillResult;
import org.vvmhost.host.drill.DrillSettings;
import org.vvmhost.host.drill.DrillTarget;
import org.vvmhost.host.drill.Drills;
import org.vvmhost.host.drill.FaultKind;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.time.SystemClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vvmhost drill}: failover drills. With the local target it runs a 3-member etcd and the replicas itself (this
 * JVM and class path, so the replicas are this very version); with the external target it drives a deployment it did
 * not start through command templates. Either way it audits etcd's history and writes an optional report.
 */
@Command(name = "drill", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs failover drills: faults the leader (signals, a partition from etcd), hands over in a planned "
                    + "switchover, or faults etcd itself (member kill and freeze, quorum loss, restart), round after "
                    + "round, measures each failover and the world data lost, optionally under a client's command "
                    + "load, then audits etcd's history for writes of deposed leaders, overlapping leaders, "
                    + "acknowledged commands lost, and the world's continuity against an uninterrupted run.",
            "The local target (default) needs the etcd binary, on the PATH or given with --etcd-binary."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every promise held",
            "1:a promise was broken, or the drill could not go on (an awaited event did not come in time)",
            "2:usage error: a bad option or value, or no etcd binary"
        })
final class DrillCommand implements Callable<Integer> {

    enum Target { LOCAL, EXTERNAL }

    @Spec
    private CommandSpec spec;

    @Option(names = "--target", paramLabel = "local|external", defaultValue = "local",
            description = "local: the drill runs etcd and the replicas; external: it drills replicas it did not start, "
                    + "through --etcd-endpoints and the command templates. Default: ${DEFAULT-VALUE}.")
    private Target target;

    @Option(names = "--kinds", paramLabel = "<kind>", split = ",", defaultValue = "SIGTERM,SIGKILL",
            description = "The rounds' kinds, in turn: SIGTERM, SIGKILL, SIGSTOP, SWITCHOVER, PARTITION, "
                    + "ETCD_MEMBER_KILL, ETCD_MEMBER_PAUSE, ETCD_QUORUM_LOSS, ETCD_RESTART. SWITCHOVER rounds name the "
                    + "standby last in line and the next in line in turn. Default: ${DEFAULT-VALUE}.")
    private List<FaultKind> kinds;

    @Option(names = "--rounds", paramLabel = "<n>",
            description = "How many rounds. Default: one per kind.")
    private Integer rounds;

    @Option(names = "--seed", paramLabel = "<n>",
            description = "Shuffle the rounds' order with this seed (also the seed of the random part of each dwell). "
                    + "Default: the kinds in turn.")
    private Long seed;

    @Option(names = "--replicas", paramLabel = "<n>", defaultValue = "3",
            description = "Replicas running at any time (local target). Default: ${DEFAULT-VALUE}.")
    private int replicas;

    @Option(names = "--lease-ttl", paramLabel = "<duration>", defaultValue = "2s", converter = DurationConverter.class,
            description = "The replicas' lease TTL, whole seconds, at least 2s. Default: ${DEFAULT-VALUE}.")
    private Duration leaseTtl;

    @Option(names = "--renew-deadline", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "The replicas' renew deadline. Default: 2/3 of the TTL.")
    private Duration renewDeadline;

    @Option(names = "--dwell", paramLabel = "<duration>", defaultValue = "3s", converter = DurationConverter.class,
            description = "How long a leader runs before the next fault, plus up to one backup interval at random. "
                    + "Default: ${DEFAULT-VALUE}.")
    private Duration dwell;

    @Option(names = "--fault-duration", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How long an etcd member stays killed or frozen, or etcd without quorum. Default: the lease "
                    + "TTL plus 1s.")
    private Duration faultDuration;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "60s", converter = DurationConverter.class,
            description = "The most any awaited event may take (a takeover, a replica's start, an exit): the drill "
                    + "fails if it does not come by then. Default: ${DEFAULT-VALUE}.")
    private Duration timeout;

    @Option(names = "--commands-per-second", paramLabel = "<n>", defaultValue = "0",
            description = "A client submits this many world commands a second (spawns; at most 50 requests a second, "
                    + "more commands in each above that) to whichever replica leads, through POST /world/commands, and "
                    + "the audit checks that every acknowledged one is in the command journal once. "
                    + "Default: ${DEFAULT-VALUE}, no client.")
    private int commandsPerSecond;

    @Option(names = "--no-reference", description = "Skip the world's continuity: the comparison of the leaders' world "
            + "hashes with an uninterrupted reference replica, or under client load with the world replayed from the "
            + "command journal (local target).")
    private boolean noReference;

    @Option(names = "--report", paramLabel = "<dir>",
            description = "Write report.html (the timeline, rounds and verdicts, self-contained), report.json and the "
                    + "replicas' and etcd's logs (logs/) to this directory.")
    private Path report;

    @Option(names = "--etcd-binary", paramLabel = "<path>",
            description = "The etcd binary (local target). Default: etcd on the PATH.")
    private Path etcdBinary;

    @Option(names = "--sigterm", paramLabel = "<command>",
            description = "External target: the shell command of a SIGTERM round, for example 'kubectl delete pod "
                    + "{host}'. {host}, {pid} and {id} become the leader's, from its election value.")
    private String sigtermTemplate;

    @Option(names = "--sigkill", paramLabel = "<command>",
            description = "External target: the command of a SIGKILL round, for example 'kubectl delete pod {host} "
                    + "--grace-period=0 --force'.")
    private String sigkillTemplate;

    @Option(names = "--sigstop", paramLabel = "<command>",
            description = "External target: the command that freezes the leader in a SIGSTOP round; give --sigcont "
                    + "too.")
    private String sigstopTemplate;

    @Option(names = "--sigcont", paramLabel = "<command>",
            description = "External target: the command that resumes it once its successor leads.")
    private String sigcontTemplate;

    @Option(names = "--partition", paramLabel = "<command>",
            description = "External target: the command that cuts the leader off from etcd in a PARTITION round; "
                    + "give --heal too.")
    private String partitionTemplate;

    @Option(names = "--heal", paramLabel = "<command>",
            description = "External target: the command that heals the partition once its successor leads.")
    private String healTemplate;

    @Option(names = "--api-token-file", paramLabel = "<file>",
            description = "External target: a file holding the replicas' API token, for the POST /switchover of a "
                    + "SWITCHOVER round (a trailing newline is ignored).")
    private Path apiTokenFile;

    @Mixin
    private LeadershipOptions leadershipOptions;

    @Mixin
    private WorldConfigOptions worldOptions;

    private final Environment environment;

    @Inject
    DrillCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        DrillSettings settings = settings();
        LogConfiguration.applyQuiet();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Stopped by a signal, the drill leaves no replica or etcd member running behind it.
        Thread cleanup = new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly), "drill-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (SystemClock clock = SystemClock.create("drill-clock")) {
            DrillResult result = Drills.run(settings, clock, out);
            return result.passed() ? 0 : 1;
        } catch (DrillException e) {
            err.println("drill stopped: " + e.getMessage());
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("drill interrupted");
            err.flush();
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook runs, as it should.
            }
        }
    }

    private DrillSettings settings() {
        LeaseSettings lease;
        try {
            lease = renewDeadline == null ? LeaseSettings.ofTtl(leaseTtl) : new LeaseSettings(leaseTtl, renewDeadline);
        } catch (IllegalArgumentException e) {
            throw usageError(renewDeadline == null ? "--lease-ttl" : "--renew-deadline", e.getMessage());
        }
        WorldConfig world = worldOptions.config();
        List<String> worldArguments = worldOptions.arguments();
        DrillTarget drillTarget = target == Target.LOCAL ? local() : external(lease);
        Optional<Path> reportDir = Optional.ofNullable(report).map(Path::toAbsolutePath);
        if (reportDir.isPresent() && Files.exists(reportDir.get()) && !Files.isDirectory(reportDir.get())) {
            throw usageError("--report", "'" + report + "' is a file; name a directory (it is created if missing)");
        }
        try {
            return new DrillSettings(drillTarget, kinds, rounds == null ? kinds.size() : rounds,
                    seed == null ? OptionalLong.empty() : OptionalLong.of(seed), seed == null ? 1 : seed, replicas,
                    lease, dwell, faultDuration == null ? leaseTtl.plusSeconds(1) : faultDuration, timeout,
                    worldArguments, world, !noReference, commandsPerSecond, leadershipOptions.election(), reportDir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid drill: " + e.getMessage());
        }
    }

    private DrillTarget.Local local() {
        if (!leadershipOptions.etcdEndpoints().isEmpty()) {
            throw usageError("--etcd-endpoints", "the local target runs its own etcd; drill a deployment's etcd with "
                    + "--target external");
        }
        if (apiTokenFile != null) {
            throw usageError("--api-token-file", "the local target's replicas have no API token; it is for --target "
                    + "external");
        }
        templates().keySet().stream().findFirst().ifPresent(kind -> {
            throw usageError("--" + kind.name().toLowerCase(java.util.Locale.ROOT), "command templates are for "
                    + "--target external; the local target signals its own replicas");
        });
        return new DrillTarget.Local(etcdBinary(), replicaCommand());
    }

    private DrillTarget.External external(LeaseSettings lease) {
        EtcdSettings etcd = leadershipOptions.etcdSettings(lease).orElseThrow(() -> usageError("--etcd-endpoints",
                "the external target drills the replicas of an etcd: give its endpoints"));
        if (etcdBinary != null) {
            throw usageError("--etcd-binary", "the external target runs no etcd of its own; drop it");
        }
        Map<FaultKind, String> templates = templates();
        for (FaultKind kind : kinds) {
            if (kind.etcdFault()) {
                throw usageError("--kinds", kind + " faults etcd itself, which only the local target runs");
            }
            if (kind != FaultKind.SWITCHOVER && !templates.containsKey(kind)) {
                throw usageError("--kinds", kind + " needs its command template --"
                        + kind.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (templates.containsKey(FaultKind.SIGSTOP) && sigcontTemplate == null) {
            throw usageError("--sigcont", "a SIGSTOP round needs the command that resumes the leader");
        }
        if (templates.containsKey(FaultKind.PARTITION) && healTemplate == null) {
            throw usageError("--heal", "a PARTITION round needs the command that heals it");
        }
        Optional<String> token = Optional.ofNullable(apiTokenFile).map(file -> {
            try {
                return HttpOptions.readToken(file);
            } catch (IllegalArgumentException e) {
                throw usageError("--api-token-file", e.getMessage());
            }
        });
        return new DrillTarget.External(etcd, templates, Optional.ofNullable(sigcontTemplate),
                Optional.ofNullable(healTemplate), token);
    }

    private Map<FaultKind, String> templates() {
        Map<FaultKind, String> templates = new EnumMap<>(FaultKind.class);
        Optional.ofNullable(sigtermTemplate).ifPresent(template -> templates.put(FaultKind.SIGTERM, template));
        Optional.ofNullable(sigkillTemplate).ifPresent(template -> templates.put(FaultKind.SIGKILL, template));
        Optional.ofNullable(sigstopTemplate).ifPresent(template -> templates.put(FaultKind.SIGSTOP, template));
        Optional.ofNullable(partitionTemplate).ifPresent(template -> templates.put(FaultKind.PARTITION, template));
        return templates;
    }

    /** The etcd binary given, or the one on the PATH; none is a usage error that says how to get one. */
    private Path etcdBinary() {
        if (etcdBinary != null) {
            if (!Files.isRegularFile(etcdBinary) || !Files.isExecutable(etcdBinary)) {
                throw usageError("--etcd-binary", "'" + etcdBinary + "' is not an executable file");
            }
            return etcdBinary.toAbsolutePath();
        }
        String path = environment.get("PATH").orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "etcd");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw usageError("--etcd-binary", "no etcd on the PATH: the local target runs a 3-member etcd cluster. "
                + "Install etcd (Debian: apt-get install etcd-server), or give its path with --etcd-binary");
    }

    /** This JVM, with this process's class path made absolute, running {@link Main}: the replicas are this version. */
    private static List<String> replicaCommand() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:+ExitOnOutOfMemoryError", "-cp"));
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        command.add(String.join(File.pathSeparator, classPath));
        command.add(Main.class.getName());
        return command;
    }

    private ParameterException usageError(String option, String problem) {
        return leadershipOptions.usageError(option, problem);
    }
}
