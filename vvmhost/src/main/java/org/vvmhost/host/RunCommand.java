package org.vvmhost.host;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.service.Preflight;
import org.vvmhost.time.Durations;
import org.vvmhost.time.SystemClock;
import org.vvmhost.vvm.VvmSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code vvmhost run}: one replica. It campaigns, runs the services while it leads, and stops on SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Launches a VVM: it campaigns for leadership and, while it leads, runs the service pipeline.",
            "SIGTERM or SIGINT shut it down gracefully: services stop, leadership is released, then the process exits."
        })
final class RunCommand implements Callable<Integer> {

    /** Bounds the access check, so that an etcd that does not answer delays the campaign only briefly. */
    private static final Duration ACCESS_CHECK_TIMEOUT = Duration.ofSeconds(3);

    @Mixin
    private LeadershipOptions leadershipOptions;

    @Mixin
    private LoggingOptions loggingOptions;

    @Mixin
    private WorldOptions worldOptions;

    @Mixin
    private HttpOptions httpOptions;

    @Option(names = "--instance-id", paramLabel = "<id>",
            description = "This replica's id in the election. Default: <host>-<pid>-<random>, unique per process. "
                    + "Env: VVM_INSTANCE_ID.")
    private String instanceId;

    @Option(names = "--lease-ttl", paramLabel = "<duration>", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Lease TTL, whole seconds, at least 2s: a crashed leader is replaced after about this long. "
                    + "Default: ${DEFAULT-VALUE}. Env: VVM_LEASE_TTL.")
    private Duration leaseTtl;

    @Option(names = "--renew-deadline", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "If no lease renewal succeeded for this long, leadership counts as lost. Below the TTL. "
                    + "Default: 2/3 of the TTL. Env: VVM_RENEW_DEADLINE.")
    private Duration renewDeadline;

    @Option(names = "--acquire-timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "Give up (exit 3) if leadership is not won within this time. "
                    + "Default: wait forever, as a standby replica must. Env: VVM_ACQUIRE_TIMEOUT.")
    private Duration acquireTimeout;

    @Option(names = "--kill-delay", paramLabel = "<duration>", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "After leadership is lost, halt the process if it has not exited within this time. "
                    + "Default: ${DEFAULT-VALUE}. Env: VVM_KILL_DELAY.")
    private Duration killDelay;

    @Option(names = "--check",
            description = "Run the preflight and exit without campaigning: 0 if this replica may campaign, 2 if not "
                    + "(the world config, the heap, the world store, or a config that does not match the stored "
                    + "world). Env: VVM_CHECK.")
    private boolean check;

    @Option(names = "--fail-on-mismatch",
            description = "Exit with code 2 when this replica's world config does not match the stored world. "
                    + "Default: stay running, not ready and not campaigning, until it matches. "
                    + "Env: VVM_FAIL_ON_MISMATCH.")
    private boolean failOnMismatch;

    @Option(names = "--etcd-compaction-retention", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How much of etcd's history the leader keeps when it compacts: every <duration> it compacts "
                    + "to the revision of the round before. Default: 5m. Env: VVM_ETCD_COMPACTION_RETENTION.")
    private Duration compactionRetention;

    private final RunComponent.Factory runComponents;
    private final Environment environment;
    private final ComponentSetRegistry componentSets;

    @Inject
    RunCommand(RunComponent.Factory runComponents, Environment environment, ComponentSetRegistry componentSets) {
        this.runComponents = runComponents;
        this.environment = environment;
        this.componentSets = componentSets;
    }

    @Override
    public Integer call() {
        RunSettings settings = settings();
        LogConfiguration.apply(settings.logFormat());
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        log.info("vvmhost {} starting: instance {}, election '{}', lease TTL {}, renew deadline {}",
                ManifestVersionProvider.version(), settings.instanceId(), settings.election(),
                Durations.text(settings.lease().ttl()), Durations.text(settings.lease().renewDeadline()));
        if (check) {
            return PreflightCheck.check(settings, componentSets).code();
        }
        // Before anything listens, connects or campaigns: a mistake here would otherwise surface at a failover.
        List<Preflight.Finding> findings = PreflightCheck.local(settings, componentSets,
                Runtime.getRuntime().maxMemory());
        if (!findings.isEmpty()) {
            return PreflightCheck.refuse(findings).code();
        }

        CompletableFuture<String> stopRequested = new CompletableFuture<>();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Thread fallbackHook = StopSignals.fallbackHook(stopRequested, finished, settings.vvm().killDelay());
        RunComponent run = runComponents.create(settings);
        Runtime.getRuntime().addShutdownHook(fallbackHook);
        StopSignals signals = StopSignals.install(stopRequested::complete);
        SystemClock clock = run.clock();
        HostMetrics metrics = run.metrics();
        HttpApi api = run.httpApi();
        ExitCode exitCode = ExitCode.INTERNAL_ERROR;
        try {
            // First, so that a port in use stops the run before anything campaigns or connects to etcd.
            try {
                api.start();
            } catch (HttpApiUnavailableException e) {
                log.error(e.getMessage());
                exitCode = ExitCode.HTTP_UNAVAILABLE;
                log.info("exit code {}: {}", exitCode.code(), exitCode.description());
                return exitCode.code();
            }
            run.status().advertise(api.advertiseUrl());
            Leadership leadership;
            try {
                settings.etcd().ifPresent(RunCommand::checkAccess);
                leadership = run.leadership();
            } catch (LeadershipAccessException e) {
                log.error(AccessErrors.describe(e));
                exitCode = ExitCode.ACCESS_DENIED;
                log.info("exit code {}: {}", exitCode.code(), exitCode.description());
                return exitCode.code();
            }
            try {
                exitCode = run.runner().run(stopRequested);
                return exitCode.code();
            } finally {
                leadership.close();
            }
        } finally {
            // Last: it answers (livez 503 after a loss, readyz 503 while stopping) until the VVM is done.
            api.close();
            metrics.close();
            // Whatever the first problem was, a loss of leadership may have armed the killer on this clock: keep it
            // armed until the process has exited. Only a graceful shutdown stops the clock.
            if (exitCode == ExitCode.GRACEFUL || exitCode == ExitCode.HTTP_UNAVAILABLE) {
                clock.close();
            }
            signals.close();
            finished.complete(null);
            StopSignals.removeHook(fallbackHook);
        }
    }

    /**
     * Fails fast, before any campaign, if etcd refuses this configuration (credentials, permissions, TLS). An
     * etcd that does not answer yet is left to the campaign, which retries until it does.
     */
    static void checkAccess(EtcdSettings etcd) {
        try {
            EtcdLeaderships.status(etcd, ACCESS_CHECK_TIMEOUT);
        } catch (LeadershipAccessException e) {
            throw e;
        } catch (LeadershipException e) {
            LoggerFactory.getLogger(RunCommand.class).debug("access check skipped: {}", e.getMessage());
        }
    }

    /** Reads and validates the options; a bad value is a usage error that names its option. */
    RunSettings settings() {
        String election = leadershipOptions.election();
        String host = HostIdentity.hostName(environment);
        String id = Optional.ofNullable(instanceId).map(String::trim)
                .orElseGet(() -> HostIdentity.newInstanceId(host, ProcessHandle.current().pid()));
        if (id.isEmpty()) {
            throw usageError("--instance-id", "the instance id must not be blank; omit it for a unique default");
        }
        LeaseSettings lease = validated("--lease-ttl", () -> LeaseSettings.ofTtl(leaseTtl));
        if (renewDeadline != null) {
            lease = validated("--renew-deadline", () -> new LeaseSettings(leaseTtl, renewDeadline));
        }
        // The converter already rejects durations that are not above 0, which is all VvmSettings checks.
        VvmSettings vvm = new VvmSettings(Optional.ofNullable(acquireTimeout), killDelay);
        Optional<EtcdSettings> etcd = leadershipOptions.etcdSettings(lease);
        if (compactionRetention != null) {
            if (etcd.isEmpty()) {
                throw usageError("--etcd-compaction-retention", "it applies to etcd only; give --etcd-endpoints "
                        + "(VVM_ETCD_ENDPOINTS) too, or drop it");
            }
            etcd = etcd.map(settings -> settings.withCompactionRetention(compactionRetention));
        }
        WorldOptions.WorldSettings world = worldOptions.settings();
        if (world.simulators() == WorldOptions.Simulators.ETCD && etcd.isEmpty()) {
            throw usageError("--simulators", "etcd finds the simulator processes in etcd: give --etcd-endpoints "
                    + "(VVM_ETCD_ENDPOINTS) too, or use local");
        }
        return new RunSettings(etcd, election, id, host, lease, vvm, loggingOptions.format(), world,
                httpOptions.settings(), failOnMismatch);
    }

    private <T> T validated(String option, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw usageError(option, e.getMessage());
        }
    }

    private ParameterException usageError(String option, String problem) {
        return leadershipOptions.usageError(option, problem);
    }
}
