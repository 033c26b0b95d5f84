package org.vvmhost.services.world.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.time.SystemClock;

/**
 * The example world as the leader runs it (physics on 2 simulators, vitality on 1, 4 × 4 areas, one passive per
 * area, simulators as containers of a threaded in-process cluster), paced at 20 Hz the way the service paces it:
 * tick n is due at start + n × period, a tick is late when it starts more than one period after its due time, a
 * loop more than 1 s behind skips ahead instead of bursting, and a world view is taken between ticks every 200
 * ticks. After a warm-up, it prints the tick-time percentiles, the late ticks and the skips of the ticks that
 * started in the measured span, and the CPU time the whole process spent per tick over that span (steadier than
 * tick times on a shared machine), with the system's load average at its end.
 *
 * <p>Arguments: {@code [entities] [warm-up seconds] [measured seconds]}, by default {@code 100000 20 60}.
 */
public final class PacedTickBenchmark {

    private static final long PERIOD = Duration.ofMillis(50).toNanos();
    private static final int BACKUP_INTERVAL = 200;
    private static final long MAX_CATCH_UP = Duration.ofSeconds(1).toNanos();

    private PacedTickBenchmark() {
    }

    public static void main(String[] args) {
        int entities = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long warmUp = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 20).toNanos();
        long measured = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 60).toNanos();
        WorldConfig config = WorldConfig.defaults().withEntities(entities)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(2),
                        "vitality", new WorldConfig.SetConfig(1)))
                .withPassivesPerArea(1)
                .withBackupInterval(BACKUP_INTERVAL);
        try (SystemClock clock = SystemClock.create("paced-tick-clock");
             Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), FunctionRegistry.create());
             World world = TestWorlds.create(config, ComponentSetRegistry.builtIn(),
                     WorldRuntime.cluster(cluster).withTimeout(Duration.ofSeconds(60)))) {
            Histogram ticks = new Histogram(3);
            long late = 0;
            long skips = 0;
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuFrom = -1;
            long origin = System.nanoTime();
            long measureFrom = origin + warmUp;
            long end = measureFrom + measured;
            for (long n = 0; ; n++) {
                long due = origin + n * PERIOD;
                long now = System.nanoTime();
                while (now < due) {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                }
                if (now >= end) {
                    break;
                }
                boolean measuring = now >= measureFrom;
                if (measuring && cpuFrom < 0) {
                    cpuFrom = os.getProcessCpuTime();
                }
                if (now - due > MAX_CATCH_UP) {
                    origin += now - due;
                    due = now;
                    skips += measuring ? 1 : 0;
                }
                world.step();
                long took = System.nanoTime() - now;
                if (measuring) {
                    ticks.recordValue(took);
                    if (now - due > PERIOD) {
                        late++;
                    }
                }
                if (world.tick() % BACKUP_INTERVAL == 0) {
                    world.snapshot();
                }
            }
            double cpuPerTick = (os.getProcessCpuTime() - cpuFrom) / 1e6 / Math.max(1, ticks.getTotalCount());
            System.out.printf("paced tick: %d entities, %d ticks measured over %d s after %d s of warm-up: "
                            + "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d late, %d skips ahead; process CPU %.1f ms "
                            + "per tick; load average %.2f; "
                            + "hash %016x at tick %d%n", entities, ticks.getTotalCount(),
                    Duration.ofNanos(measured).toSeconds(), Duration.ofNanos(warmUp).toSeconds(),
                    ticks.getValueAtPercentile(50) / 1e6, ticks.getValueAtPercentile(99) / 1e6,
                    ticks.getMaxValue() / 1e6, late, skips, cpuPerTick,
                    os.getSystemLoadAverage(), world.hash(), world.tick());
        }
    }
}
