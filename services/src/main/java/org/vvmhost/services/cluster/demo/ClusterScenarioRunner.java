package org.vvmhost.services.cluster.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.ClusterService;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.ContainerSpec;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.InvalidInputException;
import org.vvmhost.services.cluster.Manifests;
import org.vvmhost.services.cluster.ReplicaSet;
import org.vvmhost.services.cluster.Resource;
import org.vvmhost.services.cluster.VirtualClock;
import org.vvmhost.time.Clock;
import org.vvmhost.time.SystemClock;

/**
 * Runs {@code vvmhost cluster run}: a cluster from manifests whose containers run the built-in
 * {@link DemoFunction}, an open-loop Poisson request generator aimed at one service, and optionally a scenario
 * timeline applied by one driver. In virtual time the whole run is a deterministic discrete-event simulation for a
 * seed, as fast as the CPU allows; in wall-clock time it runs with real threads for the duration.
 */
public final class ClusterScenarioRunner {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(10);
    private static final Duration CLOCK_LAG_LIMIT = Duration.ofSeconds(10);
    /** Arrivals missed, as a share of those due, beyond which the generator is said to have fallen short. */
    private static final double SHORTFALL_TOLERANCE = 0.01;

    /**
     * What to run.
     *
     * @param scenario       the timeline file, or null for none
     * @param duration       the run's length; null: the scenario's {@code horizon_s}, else 30 s
     * @param ratePerSecond  mean requests per second (Poisson arrivals)
     * @param jsonOut        where to write the metrics as JSON, or null
     * @param service        the service to send to; null: the first Service of the manifests
     * @param requestTimeout how long each request may wait for its reply
     */
    public record Settings(Path manifests, Path scenario, boolean virtualTime, Duration duration, double ratePerSecond,
                           long seed, Path jsonOut, String service, Duration requestTimeout) {

        public Settings {
            List<String> problems = new ArrayList<>();
            if (manifests == null) {
                problems.add("-f/--file: the manifests file is required");
            }
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                problems.add("--duration: must be positive, not " + duration);
            }
            if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
                problems.add("--rate: must be a positive number of requests per second, not " + ratePerSecond);
            }
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                problems.add("request timeout: must be positive, not " + requestTimeout);
            }
            if (!problems.isEmpty()) {
                throw new InvalidInputException("options", problems);
            }
        }

        /** The same run, writing its metrics JSON to {@code file}. */
        public Settings withJsonOut(Path file) {
            return new Settings(manifests, scenario, virtualTime, duration, ratePerSecond, seed, file, service,
                    requestTimeout);
        }
    }

    private ClusterScenarioRunner() {
    }

    /**
     * Runs, prints the metrics table to {@code out}, writes the JSON if asked, and returns the metrics. Bad input
     * (manifests, scenario, options) throws {@link InvalidInputException} before anything runs.
     */
    public static ScenarioMetrics run(Settings settings, PrintStream out) {
        PrintWriter writer = new PrintWriter(out, true, java.nio.charset.StandardCharsets.UTF_8);
        ScenarioMetrics metrics = run(settings, writer);
        writer.flush();
        return metrics;
    }

    /** As {@link #run(Settings, PrintStream)}, printing to a writer (for example picocli's). */
    public static ScenarioMetrics run(Settings settings, PrintWriter out) {
        List<Resource> manifests = Manifests.read(settings.manifests());
        Scenario scenario = settings.scenario() == null
                ? Scenario.empty(settings.duration() == null ? Scenarios.DEFAULT_HORIZON : settings.duration())
                : Scenarios.read(settings.scenario(), manifests, settings.duration());
        String service = chooseService(settings, manifests);
        checkImages(manifests);
        Outcome outcome = settings.virtualTime()
                ? runVirtual(settings, manifests, scenario, service)
                : runWallClock(settings, manifests, scenario, service);
        ScenarioMetrics metrics = outcome.metrics();
        out.print(table(metrics));
        shortfall(metrics, outcome.missed(), outcome.maxLateness()).ifPresent(out::println);
        if (settings.jsonOut() != null) {
            try {
                Files.writeString(settings.jsonOut(), json(metrics));
            } catch (IOException e) {
                throw new InvalidInputException("--json-out " + settings.jsonOut(),
                        List.of("cannot be written (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
            }
            out.println("Metrics written to " + settings.jsonOut());
        }
        out.flush();
        return metrics;
    }

    public static String json(ScenarioMetrics metrics) {
        try {
            return JSON.writeValueAsString(metrics) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metrics could not be written as JSON", e);
        }
    }

    public static String table(ScenarioMetrics m) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Cluster run (%s time, seed %d): %.1f s at %.1f req/s to service '%s'%n",
                m.mode(), m.seed(), m.durationS(), m.ratePerS(), m.service()));
        text.append(String.format(Locale.ROOT, "%-28s %12s%n", "metric", "value"));
        row(text, "rate asked (req/s)", fmt(m.ratePerS()));
        row(text, "rate achieved (req/s)", fmt(m.durationS() == 0 ? 0 : m.sent() / m.durationS()));
        row(text, "requests sent", Long.toString(m.sent()));
        row(text, "requests succeeded", Long.toString(m.succeeded()));
        row(text, "requests failed", Long.toString(m.failed()));
        row(text, "latency p50 (ms)", fmt(m.latencyMs().p50()));
        row(text, "latency p95 (ms)", fmt(m.latencyMs().p95()));
        row(text, "latency p99 (ms)", fmt(m.latencyMs().p99()));
        row(text, "latency max (ms)", fmt(m.latencyMs().max()));
        row(text, "throughput mean (req/s)", fmt(m.throughputPerS().mean()));
        row(text, "throughput min..max (req/s)", m.throughputPerS().min() + ".." + m.throughputPerS().max());
        for (Map.Entry<String, Long> error : new java.util.TreeMap<>(m.errors()).entrySet()) {
            row(text, "errors: " + error.getKey(), Long.toString(error.getValue()));
        }
        for (Map.Entry<String, Long> served : new java.util.TreeMap<>(m.requestsPerContainer()).entrySet()) {
            row(text, "served by " + served.getKey(), Long.toString(served.getValue()));
        }
        if (!m.events().isEmpty()) {
            text.append("Timeline:").append(System.lineSeparator());
            for (AppliedEvent event : m.events()) {
                text.append(String.format(Locale.ROOT, "  t=%7.3f s  %-5s %-14s %-16s %-20s %s%n", event.atS(),
                        event.phase(), event.kind(), event.id(), event.target(), event.outcome()));
            }
        }
        return text.toString();
    }

    /**
     * A warning if the generator fell short of the asked rate because it could not keep up: it missed more than
     * 1% of the arrivals due on its timeline (a Poisson count of its own below the asked rate is not a shortfall).
     */
    static Optional<String> shortfall(ScenarioMetrics m, long missed, Duration maxLateness) {
        long due = m.sent() + missed;
        if (missed == 0 || missed <= due * SHORTFALL_TOLERANCE) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "Warning: the generator fell short: %.1f req/s achieved of %.1f"
                + " asked (%d of %d requests due were not sent; arrivals came up to %d ms late). The machine is too"
                + " busy for this rate: lower --rate, or use --virtual-time.", m.sent() / m.durationS(), m.ratePerS(),
                missed, due, maxLateness.toMillis()));
    }

    private static void row(StringBuilder text, String name, String value) {
        text.append(String.format(Locale.ROOT, "%-28s %12s%n", name, value));
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String chooseService(Settings settings, List<Resource> manifests) {
        List<String> services = manifests.stream().filter(r -> r instanceof ClusterService).map(Resource::name)
                .toList();
        if (settings.service() != null) {
            if (!services.contains(settings.service())) {
                throw new InvalidInputException("options", List.of("--service: no Service named '" + settings.service()
                        + "' in the manifests (there are: " + services + ")"));
            }
            return settings.service();
        }
        if (services.isEmpty()) {
            throw new InvalidInputException("manifests", List.of("define no Service: add one (kind: Service) for the"
                    + " requests to go to"));
        }
        return services.get(0);
    }

    private static void checkImages(List<Resource> manifests) {
        List<String> problems = new ArrayList<>();
        for (Resource resource : manifests) {
            ContainerSpec spec = resource instanceof Container c ? c.spec()
                    : resource instanceof ReplicaSet r ? r.template().spec() : null;
            if (spec == null) {
                continue;
            }
            String label = resource.kind().manifestName() + " '" + resource.name() + "'";
            if (!spec.image().equals(DemoFunction.IMAGE)) {
                problems.add(label + ": image '" + spec.image() + "' is not built in; `cluster run` runs image '"
                        + DemoFunction.IMAGE + "'");
            } else {
                DemoFunction.configProblem(spec.config()).ifPresent(p -> problems.add(label + ": " + p));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException("manifests", problems);
        }
    }

    private static Outcome runVirtual(Settings settings, List<Resource> manifests, Scenario scenario,
                                              String service) {
        VirtualClock clock = VirtualClock.create();
        Cluster cluster = Cluster.start(ClusterOptions.virtual(clock).withSeed(settings.seed()),
                DemoFunction.register(FunctionRegistry.create()));
        try {
            cluster.apply(manifests);
            int expected = expectedEndpoints(manifests, service);
            Duration step = Duration.ofMillis(1);
            for (long waited = 0; cluster.routable(service).size() < expected
                    && waited < WARM_UP_LIMIT.toMillis(); waited++) {
                clock.runFor(step);
            }
            Run run = new Run(cluster, scenario, service, settings);
            run.start();
            clock.runFor(scenario.horizon());
            run.stopGenerating();
            clock.runFor(settings.requestTimeout());
            return run.finish("virtual");
        } finally {
            cluster.close();
        }
    }

    private static Outcome runWallClock(Settings settings, List<Resource> manifests, Scenario scenario,
                                                String service) {
        try (SystemClock clock = SystemClock.create("cluster-run-clock")) {
            Cluster cluster = Cluster.start(ClusterOptions.threaded(clock).withSeed(settings.seed()),
                    DemoFunction.register(FunctionRegistry.create()));
            try {
                cluster.apply(manifests);
                int expected = expectedEndpoints(manifests, service);
                long deadline = clock.nanoTime() + WARM_UP_LIMIT.toNanos();
                while (cluster.routable(service).size() < expected && clock.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                Run run = new Run(cluster, scenario, service, settings);
                CountDownLatch horizon = new CountDownLatch(1);
                // The generator and the driver are confined to the clock's thread, which runs their tasks: so are
                // their start and stop.
                clock.schedule(Duration.ZERO, () -> {
                    run.start();
                    clock.schedule(scenario.horizon(), () -> {
                        run.stopGenerating();
                        horizon.countDown();
                    });
                });
                if (!await(horizon, scenario.horizon().plus(CLOCK_LAG_LIMIT))) {
                    throw new IllegalStateException("the run's clock fell more than " + CLOCK_LAG_LIMIT.toSeconds()
                            + " s behind its end: the machine is too busy for this run");
                }
                long drainDeadline = clock.nanoTime() + settings.requestTimeout().plusMillis(500).toNanos();
                while (run.outstanding() > 0 && clock.nanoTime() < drainDeadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                return run.finish("wall-clock");
            } finally {
                cluster.close();
            }
        }
    }

    /** False if {@code limit} passed first. */
    private static boolean await(CountDownLatch latch, Duration limit) {
        try {
            return latch.await(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the run was going", e);
        }
    }

    /** How many containers the service should route to once everything runs. */
    private static int expectedEndpoints(List<Resource> manifests, String serviceName) {
        ClusterService service = manifests.stream().filter(r -> r instanceof ClusterService && r.name().equals(serviceName))
                .map(ClusterService.class::cast).findFirst().orElseThrow();
        int total = 0;
        for (Resource resource : manifests) {
            if (resource instanceof Container c && service.selects(c.labels())) {
                total++;
            } else if (resource instanceof ReplicaSet r && service.selects(r.template().labels())) {
                total += r.replicas();
            }
        }
        return Math.max(1, total);
    }

    /** The metrics, and how far the generator fell behind its timeline (wall-clock only). */
    private record Outcome(ScenarioMetrics metrics, long missed, Duration maxLateness) {
    }

    /** The generator and the driver of one run, on the cluster's clock. */
    private static final class Run {
        private final Cluster cluster;
        private final Clock clock;
        private final Scenario scenario;
        private final String service;
        private final Settings settings;
        private final ScenarioDriver driver;
        private final MetricsRecorder recorder;
        private final PoissonArrivals arrivals;
        private final AtomicLong outstanding = new AtomicLong();
        private long origin;
        private long sequence;

        Run(Cluster cluster, Scenario scenario, String service, Settings settings) {
            this.cluster = cluster;
            this.clock = cluster.clock();
            this.scenario = scenario;
            this.service = service;
            this.settings = settings;
            this.driver = new ScenarioDriver(cluster, scenario, settings.seed());
            this.recorder = new MetricsRecorder((int) Math.ceil(scenario.horizon().toNanos() / 1e9));
            this.arrivals = new PoissonArrivals(clock, settings.seed(), settings.ratePerSecond(), scenario.horizon(),
                    this::arrive);
        }

        /** On the clock's thread (virtual: the driving thread). */
        void start() {
            origin = clock.nanoTime();
            // The driver starts first, so that an event at t=0 is in force before the first request.
            driver.start();
            arrivals.start();
        }

        private void arrive() {
            recorder.sent();
            outstanding.incrementAndGet();
            long sentAt = clock.nanoTime();
            cluster.requestService(service, new DemoFunction.Work(++sequence), settings.requestTimeout()).whenComplete((who, error) -> {
                long now = clock.nanoTime();
                if (error == null) {
                    recorder.success(now - sentAt, now - origin, who);
                } else {
                    recorder.failure(error);
                }
                outstanding.decrementAndGet();
            });
        }

        /** On the clock's thread (virtual: the driving thread). */
        void stopGenerating() {
            arrivals.stop();
            driver.stop();
        }

        long outstanding() {
            return outstanding.get();
        }

        Outcome finish(String mode) {
            ScenarioMetrics metrics = recorder.snapshot(mode, settings.seed(), scenario.horizon().toNanos() / 1e9,
                    settings.ratePerSecond(), service, driver.applied());
            return new Outcome(metrics, arrivals.missed(), arrivals.maxLateness());
        }
    }
}
