package org.vvmhost.host;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Registration;
import org.vvmhost.leadership.RegistrationConflictException;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.cluster.SimulatorServer;
import org.vvmhost.time.Durations;
import org.vvmhost.time.SystemClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code vvmhost simulator}: a process that hosts component-set simulators for an election's leader. It serves gRPC,
 * registers in etcd on a lease of its own, and on SIGTERM drains (the leader stops its simulators gracefully, which
 * hands their areas over), deregisters, then stops in order.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = {
            "Runs a simulator process: it serves gRPC (the standard health service, and the simulators the leader "
                    + "drives), and registers in etcd under <election>-data/simulators/<id>, on a lease of its own "
                    + "that it keeps alive, with its address, component sets and capacity. The leader grants it "
                    + "areas under <election>-data/authority/, bound to that lease.",
            "SIGTERM or SIGINT: it turns not ready and drains: it asks the leader to stop each of its simulators "
                    + "gracefully, which hands their areas over to other processes, and waits until none is left "
                    + "(at most --drain-timeout; past it, the leader sees the rest crash). Then it deregisters "
                    + "(revokes its lease, and its grants go with it), stops serving, and exits 0. A lost "
                    + "registration (the lease expired or was revoked) exits 9."
        })
final class SimulatorCommand implements Callable<Integer> {

    /** Between attempts to register while etcd does not answer. */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration KILL_DELAY = Duration.ofSeconds(30);

    @Mixin
    private LeadershipOptions leadershipOptions;

    @Mixin
    private LoggingOptions loggingOptions;

    @Mixin
    private HttpOptions httpOptions;

    @Option(names = "--simulator-id", paramLabel = "<id>",
            description = "This process's id among the election's simulators. Default: <host>-<pid>-<random>, "
                    + "unique per process. Env: VVM_SIMULATOR_ID.")
    private String simulatorId;

    @Option(names = "--component-sets", paramLabel = "<set>", split = ",", defaultValue = "physics,vitality",
            description = "The component sets it can simulate, comma-separated. Default: ${DEFAULT-VALUE}. "
                    + "Env: VVM_COMPONENT_SETS.")
    private List<String> componentSets;

    @Option(names = "--capacity", paramLabel = "<areas>", defaultValue = "64",
            description = "How many (component set, area) grants it takes at most. Default: ${DEFAULT-VALUE}. "
                    + "Env: VVM_CAPACITY.")
    private int capacity;

    @Option(names = "--grpc-port", paramLabel = "<port>", defaultValue = "7070",
            description = "Port of the gRPC server; 0 picks a free one and logs it. Default: ${DEFAULT-VALUE}. "
                    + "Env: VVM_GRPC_PORT.")
    private int grpcPort;

    @Option(names = "--grpc-host", paramLabel = "<address>",
            description = "Address the gRPC server listens on. Default: all interfaces. Env: VVM_GRPC_HOST.")
    private String grpcHost;

    @Option(names = "--advertise-address", paramLabel = "<host:port>",
            description = "The gRPC address the leader reaches this process at, stored in its registration. "
                    + "Default: <host name>:<gRPC port>. Env: VVM_ADVERTISE_ADDRESS.")
    private String advertiseAddress;

    @Option(names = "--lease-ttl", paramLabel = "<duration>", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "TTL of the registration's lease, whole seconds, at least 2s: a crashed simulator's grants "
                    + "go after about this long. Default: ${DEFAULT-VALUE}. Env: VVM_LEASE_TTL.")
    private Duration leaseTtl;

    @Option(names = "--drain-timeout", paramLabel = "<duration>", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "On SIGTERM, how long to wait for the leader to take its simulators' areas before it "
                    + "stops anyway. Default: ${DEFAULT-VALUE}. Env: VVM_DRAIN_TIMEOUT.")
    private Duration drainTimeout;

    private final Environment environment;
    private final ComponentSetRegistry knownSets;

    @Inject
    SimulatorCommand(Environment environment, ComponentSetRegistry knownSets) {
        this.environment = environment;
        this.knownSets = knownSets;
    }

    /**
     * The validated options of one simulator process.
     *
     * @param advertise empty: {@code <host>:<bound gRPC port>}
     */
    record Settings(EtcdSettings etcd, String id, String host, List<String> componentSets, int capacity,
                    InetSocketAddress grpcBind, Optional<String> advertise, Duration drainTimeout, HttpSettings http,
                    LogFormat logFormat) {

        SimulatorRegistration registration(int grpcPort) {
            return new SimulatorRegistration(id, advertise.orElse(host + ":" + grpcPort), componentSets, capacity,
                    host, ProcessHandle.current().pid());
        }
    }

    @Override
    public Integer call() {
        Settings settings = settings();
        LogConfiguration.apply(settings.logFormat());
        Logger log = LoggerFactory.getLogger(SimulatorCommand.class);
        log.info("vvmhost {} simulator starting: id {}, election '{}', component sets {}, capacity {}, lease TTL {}",
                ManifestVersionProvider.version(), settings.id(), settings.etcd().election(),
                settings.componentSets(), settings.capacity(), Durations.text(settings.etcd().lease().ttl()));
        CompletableFuture<String> stopRequested = new CompletableFuture<>();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Thread fallbackHook = StopSignals.fallbackHook(stopRequested, finished,
                settings.drainTimeout().plus(KILL_DELAY));
        Runtime.getRuntime().addShutdownHook(fallbackHook);
        StopSignals signals = StopSignals.install(stopRequested::complete);
        HostMetrics metrics = new HostMetrics();
        SimulatorStatus status = new SimulatorStatus(settings.id());
        HttpApi api = new HttpApi(settings.http(), settings.host(), status.routes(metrics), metrics.registry());
        // NOT_SERVING until registered, and again once stopping.
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        ExitCode exitCode = ExitCode.INTERNAL_ERROR;
        try (SystemClock clock = SystemClock.create("vvm-simulator-clock");
             SimulatorServer server = SimulatorServer.create(knownSets, settings.grpcBind(), clock,
                     WorldRuntime.DEFAULT_TIMEOUT, List.<BindableService>of(health.getHealthService()))) {
            exitCode = run(settings, status, api, server, health, stopRequested, clock, log);
            health.enterTerminalState();
            return exitCode.code();
        } finally {
            api.close();
            metrics.close();
            signals.close();
            finished.complete(null);
            StopSignals.removeHook(fallbackHook);
            log.info("exit code {}: {}", exitCode.code(), exitCode.description());
        }
    }

    private ExitCode run(Settings settings, SimulatorStatus status, HttpApi api, SimulatorServer server,
                         HealthStatusManager health, CompletableFuture<String> stopRequested, SystemClock clock,
                         Logger log) {
        int port;
        try {
            api.start();
            port = server.start().port();
        } catch (HttpApiUnavailableException e) {
            log.error(e.getMessage());
            return ExitCode.HTTP_UNAVAILABLE;
        } catch (UncheckedIOException e) {
            log.error("{}: --grpc-port (0 picks a free one) or --grpc-host", e.getMessage());
            return ExitCode.HTTP_UNAVAILABLE;
        }
        SimulatorRegistration registration = settings.registration(port);
        Registration registered;
        try {
            RunCommand.checkAccess(settings.etcd());
            Optional<Registration> attempt = register(settings.etcd(), registration, stopRequested, clock, log);
            if (attempt.isEmpty()) {
                log.info("stop requested ({}) before the simulator registered", stopRequested.join());
                return ExitCode.GRACEFUL;
            }
            registered = attempt.get();
        } catch (LeadershipAccessException e) {
            log.error(AccessErrors.describe(e));
            return ExitCode.ACCESS_DENIED;
        } catch (RegistrationConflictException e) {
            log.error("{}: --simulator-id (VVM_SIMULATOR_ID)", e.getMessage());
            return ExitCode.USAGE;
        }
        try (registered) {
            status.registered(registration, registered.lease());
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
            log.info("simulator {} registered at {} (gRPC {}), lease {}", registration.id(), registration.key(),
                    registration.address(), registered.lease());
            Object ended = CompletableFuture.anyOf(stopRequested, registered.lost()).join();
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
            if (ended instanceof LeadershipLostException lost) {
                status.stopping("registration lost: " + lost.getMessage());
                log.error("the simulator's registration was lost: {}; exiting so that it registers anew",
                        lost.getMessage());
                return ExitCode.REGISTRATION_LOST;
            }
            status.stopping("stop requested (" + ended + "): draining");
            drain(server, "the simulator process is stopping (" + ended + ")", settings.drainTimeout(), clock, log);
            log.info("deregistering");
            try {
                registered.revoke().get(settings.etcd().lease().ttl().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("could not deregister ({}); the lease expires within its TTL", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ExitCode.GRACEFUL;
        }
    }

    /**
     * Has the leader stop every simulator here gracefully, which hands their areas over, and waits until none is left,
     * at most {@code limit}; past it, what is left ends with the server, which the leader handles as a crash.
     */
    private static void drain(SimulatorServer server, String reason, Duration limit, SystemClock clock, Logger log) {
        log.info("{}: draining: the leader stops the {} simulator(s) here gracefully and takes their areas (waiting at "
                + "most {})", reason, server.simulators().size(), Durations.text(limit));
        long start = clock.nanoTime();
        try {
            clock.orTimeout(server.drain(reason), limit, "the drain did not end").get();
            log.info("drained in {} ms: no simulator session is left here",
                    TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - start));
        } catch (ExecutionException e) {
            log.warn("{}; simulator(s) {} still run here and end with this process, which the leader handles as a "
                    + "crash (raise --drain-timeout if the leader needs longer)", e.getCause().getMessage(),
                    server.simulators());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Registers, retrying while etcd does not answer; empty if a stop is requested first. */
    private static Optional<Registration> register(EtcdSettings etcd, SimulatorRegistration registration,
                                                   CompletableFuture<String> stopRequested, SystemClock clock,
                                                   Logger log) {
        while (!stopRequested.isDone()) {
            try {
                return Optional.of(EtcdLeaderships.register(etcd, registration.key(), registration.toJson(), clock));
            } catch (LeadershipAccessException | RegistrationConflictException e) {
                throw e;
            } catch (LeadershipException e) {
                log.warn("cannot register in etcd {} yet: {}; trying again in {}", etcd.endpoints(), e.getMessage(),
                        Durations.text(RETRY_DELAY));
                try {
                    stopRequested.get(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException again) {
                    // Try again.
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                } catch (ExecutionException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
        return Optional.empty();
    }

    /** Reads and validates the options; a bad value is a usage error that names its option. */
    Settings settings() {
        String host = HostIdentity.hostName(environment);
        String id = Optional.ofNullable(simulatorId).map(String::trim)
                .orElseGet(() -> HostIdentity.newInstanceId(host, ProcessHandle.current().pid()));
        if (id.isEmpty() || id.contains("/")) {
            throw usageError("--simulator-id", "'" + id + "': an id is not blank and has no '/'; omit it for a "
                    + "unique default");
        }
        LeaseSettings lease;
        try {
            lease = LeaseSettings.ofTtl(leaseTtl);
        } catch (IllegalArgumentException e) {
            throw usageError("--lease-ttl", e.getMessage());
        }
        EtcdSettings etcd = leadershipOptions.etcdSettings(lease).orElseThrow(() -> usageError("--etcd-endpoints",
                "a simulator registers in etcd: give the election's endpoints (VVM_ETCD_ENDPOINTS)"));
        List<String> sets = componentSets.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (sets.isEmpty()) {
            throw usageError("--component-sets", "name at least one of " + knownSets.sets().keySet());
        }
        for (String set : sets) {
            if (!knownSets.sets().containsKey(set)) {
                throw usageError("--component-sets", "'" + set + "' is not a component set this build can simulate; "
                        + "it knows " + knownSets.sets().keySet());
            }
        }
        if (capacity < 1) {
            throw usageError("--capacity", "at least 1 area, got " + capacity);
        }
        if (grpcPort < 0 || grpcPort > 65535) {
            throw usageError("--grpc-port", "a port is within 0..65535 (0 picks a free one), got " + grpcPort);
        }
        HttpSettings http = httpOptions.settings();
        if (http.port() != 0 && http.port() == grpcPort) {
            throw usageError("--grpc-port", "it is the HTTP port too (--http-port); give them different ports");
        }
        Optional<String> grpcListen = Optional.ofNullable(grpcHost).map(String::trim).filter(h -> !h.isEmpty());
        InetSocketAddress bind = grpcListen.map(h -> new InetSocketAddress(h, grpcPort))
                .orElseGet(() -> new InetSocketAddress(grpcPort));
        if (bind.isUnresolved()) {
            throw usageError("--grpc-host", "'" + grpcHost + "' is not an address of this machine");
        }
        Optional<String> advertise = Optional.ofNullable(advertiseAddress).map(String::trim)
                .filter(a -> !a.isEmpty());
        advertise.ifPresent(this::checkAddress);
        return new Settings(etcd, id, host, sets, capacity, bind, advertise, drainTimeout, http,
                loggingOptions.format());
    }

    private void checkAddress(String address) {
        int colon = address.lastIndexOf(':');
        boolean valid = colon > 0 && colon < address.length() - 1 && address.substring(colon + 1).chars()
                .allMatch(Character::isDigit) && address.length() - colon <= 6
                && Integer.parseInt(address.substring(colon + 1)) <= 65535;
        if (!valid || address.contains("/")) {
            throw usageError("--advertise-address", "'" + address + "': give host:port as the leader reaches this "
                    + "process, for example 10.0.0.7:7070");
        }
    }

    private ParameterException usageError(String option, String problem) {
        return leadershipOptions.usageError(option, problem);
    }
}
