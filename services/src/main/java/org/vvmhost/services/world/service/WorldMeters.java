package org.vvmhost.services.world.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.LeadershipUnavailableException;

/**
 * The world service's meters, named by Prometheus conventions once exported ({@code vvmhost_world_...}, base units).
 * Recording is a few atomic adds, cheap enough for every tick. Registered once per registry; the gauges read whichever
 * service was built last, so that a host which builds a new service for each term keeps one set of meters.
 */
final class WorldMeters implements WorldSimulationService.Meters {

    /** Failure reasons, in the order a cause chain is checked. */
    static final List<String> FAILURE_REASONS = List.of("fenced", "timeout", "unavailable", "io", "other");

    private static final Duration[] TICK_BUCKETS = durations(0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000);
    private static final Duration[] BACKUP_BUCKETS = durations(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
            10_000, 30_000);

    private final MeterRegistry registry;
    private final Timer tickTime;
    private final Counter lateTicks;
    private final Timer backupTime;
    private final DistributionSummary backupSize;
    private final Counter fencedWrites;
    private volatile PacedWorldSimulation current;

    WorldMeters(MeterRegistry registry) {
        this.registry = registry;
        this.tickTime = timer("vvmhost.world.tick.duration", "Time to compute one world tick", TICK_BUCKETS);
        this.lateTicks = counter("vvmhost.world.late.ticks",
                "Ticks that started more than one period after their scheduled time");
        this.backupTime = timer("vvmhost.world.backup.duration", "Time to write one world view to its store",
                BACKUP_BUCKETS);
        this.backupSize = DistributionSummary.builder("vvmhost.world.backup.size")
                .baseUnit("bytes")
                .description("Size of each world view written")
                .register(registry);
        this.fencedWrites = counter("vvmhost.fenced.writes.refused",
                "Writes refused because this leader's term no longer leads");
        // Present from the start, so that a rate over them is defined before the first failure.
        FAILURE_REASONS.forEach(this::failures);
        gauge("vvmhost.world.tick", null, "The last completed world tick; NaN while this replica runs no world",
                s -> s.tick() < 0 ? Double.NaN : s.tick());
        gauge("vvmhost.world.entities", null, "Entities in the world at its last progress report",
                s -> s.progress().map(p -> (double) p.population()).orElse(Double.NaN));
        gauge("vvmhost.world.backup.age", "seconds",
                "Seconds since the newest world view was saved (or restored); NaN with no world",
                s -> s.backupAgeNanos() / 1e9);
        gauge("vvmhost.world.backup.age.ticks", null,
                "Ticks a crash would lose now: the world tick minus the newest world view's",
                PacedWorldSimulation::backupAgeTicks);
    }

    /** From now on the gauges read {@code service}. */
    void observe(PacedWorldSimulation service) {
        current = service;
    }

    private Timer timer(String name, String description, Duration[] buckets) {
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    /** Registers a gauge of the current service ({@code unit} null: none); NaN before there is one. */
    private void gauge(String name, String unit, String description, ToDoubleFunction<PacedWorldSimulation> value) {
        Gauge.builder(name, this, meters -> {
            PacedWorldSimulation service = meters.current;
            return service == null ? Double.NaN : value.applyAsDouble(service);
        }).baseUnit(unit).description(description).register(registry);
    }

    void ticked(long nanos, boolean late) {
        tickTime.record(nanos, TimeUnit.NANOSECONDS);
        if (late) {
            lateTicks.increment();
        }
    }

    void saved(long bytes, long nanos) {
        backupTime.record(nanos, TimeUnit.NANOSECONDS);
        backupSize.record(bytes);
    }

    void failed(String reason) {
        failures(reason).increment();
        if (reason.equals("fenced")) {
            fencedWrites.increment();
        }
    }

    private Counter failures(String reason) {
        return Counter.builder("vvmhost.world.backups.failed")
                .tag("reason", reason)
                .description("World views that could not be saved, by reason")
                .register(registry);
    }

    /** Why a save failed, from its cause chain: one of {@link #FAILURE_REASONS}. */
    static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FencedWriteRejectedException) {
                return "fenced";
            }
            if (cause instanceof LeadershipLostException) {
                return "lost";
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return "timeout";
            }
            if (cause instanceof LeadershipUnavailableException) {
                return "unavailable";
            }
            if (cause instanceof IOException || cause instanceof UncheckedIOException) {
                return "io";
            }
        }
        return "other";
    }

    private static Duration[] durations(double... millis) {
        Duration[] durations = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            durations[i] = Duration.ofNanos((long) (millis[i] * 1_000_000));
        }
        return durations;
    }
}
