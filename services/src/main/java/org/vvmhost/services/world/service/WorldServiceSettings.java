package org.vvmhost.services.world.service;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.vvmhost.services.world.WorldConfig;

/**
 * How the world simulation service runs its world.
 *
 * @param config       the world, its tick rate and its backup interval
 * @param threads      threads that run simulators in parallel; 1 runs them on the tick loop's thread
 * @param lastTick     if present, the loop stops ticking at this tick and holds the world until the service stops
 *                     (a fixed amount of work, for benchmarks and reproducible runs)
 * @param logInterval  how often the tick, the world hash and the tick times are logged
 * @param storeTimeout the bound on one read or write of the world view store
 */
public record WorldServiceSettings(WorldConfig config, int threads, OptionalLong lastTick, Duration logInterval,
                                   Duration storeTimeout) {

    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(30);

    public WorldServiceSettings {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(lastTick, "lastTick");
        Objects.requireNonNull(logInterval, "logInterval");
        Objects.requireNonNull(storeTimeout, "storeTimeout");
        if (threads < 1) {
            throw new IllegalArgumentException("world simulation threads must be ≥ 1, got " + threads);
        }
        if (lastTick.isPresent() && lastTick.getAsLong() < 0) {
            throw new IllegalArgumentException("the last tick must be ≥ 0, got " + lastTick.getAsLong());
        }
        if (logInterval.isNegative() || logInterval.isZero()) {
            throw new IllegalArgumentException("the world log interval must be positive, got " + logInterval);
        }
        if (storeTimeout.isNegative() || storeTimeout.isZero()) {
            throw new IllegalArgumentException("the world view store timeout must be positive, got " + storeTimeout);
        }
    }

    /** {@code config} on as many threads as there are processors, without a last tick. */
    public static WorldServiceSettings of(WorldConfig config) {
        return new WorldServiceSettings(config, Runtime.getRuntime().availableProcessors(), OptionalLong.empty(),
                DEFAULT_LOG_INTERVAL, DEFAULT_STORE_TIMEOUT);
    }

    public WorldServiceSettings withThreads(int threads) {
        return new WorldServiceSettings(config, threads, lastTick, logInterval, storeTimeout);
    }

    public WorldServiceSettings withLastTick(long tick) {
        return new WorldServiceSettings(config, threads, OptionalLong.of(tick), logInterval, storeTimeout);
    }

    public WorldServiceSettings withLogInterval(Duration interval) {
        return new WorldServiceSettings(config, threads, lastTick, interval, storeTimeout);
    }
}
