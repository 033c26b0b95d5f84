package org.vvmhost.services.world.service;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;

/**
 * How the world simulation service runs its world.
 *
 * @param config       the world, its tick rate and its backup interval
 * @param threads      threads that run simulators in parallel; 1 runs them on the tick loop's thread
 * @param lastTick     if present, the loop stops ticking at this tick and holds the world until the service stops
 *                     (a fixed amount of work, for benchmarks and reproducible runs)
 * @param logInterval  how often the tick, the world hash and the tick times are logged
 * @param storeTimeout the bound on one read or write of the world view store, and of the command journal's reads
 * @param commands     how the leader takes commands
 * @param summaryInterval how often the tick loop publishes a summary (tick, hash, areas, a sample of entities) for
 *                     the live stream and the inspector
 */
public record WorldServiceSettings(WorldConfig config, int threads, OptionalLong lastTick, Duration logInterval,
                                   Duration storeTimeout, Commands commands, Duration summaryInterval) {

    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SUMMARY_INTERVAL = Duration.ofMillis(500);

    /**
     * How the leader takes commands.
     *
     * @param maxPending      commands that may wait to be journaled; beyond that a request is refused as busy
     * @param commitTimeout   the bound on one command journal write, and on the tick loop's wait for one: past it
     *                        the write's outcome is unknown and the leader stops
     * @param commitMargin    how far ahead of its due time the tick a journal write names must be
     * @param idempotencyKeys how many idempotency keys the leader remembers, newest first
     */
    public record Commands(int maxPending, Duration commitTimeout, Duration commitMargin, int idempotencyKeys) {
        public static final Commands DEFAULTS = new Commands(50_000, Duration.ofSeconds(5), Duration.ofMillis(10),
                100_000);

        public Commands {
            Objects.requireNonNull(commitTimeout, "commitTimeout");
            Objects.requireNonNull(commitMargin, "commitMargin");
            if (maxPending < 1 || idempotencyKeys < 1) {
                throw new IllegalArgumentException("maxPending and idempotencyKeys must be ≥ 1");
            }
            if (commitTimeout.isNegative() || commitTimeout.isZero() || commitMargin.isNegative()) {
                throw new IllegalArgumentException("the commit timeout must be positive and the margin ≥ 0");
            }
        }
    }

    public WorldServiceSettings {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(lastTick, "lastTick");
        Objects.requireNonNull(logInterval, "logInterval");
        Objects.requireNonNull(storeTimeout, "storeTimeout");
        WorldRuntime.requireThreads(threads);
        if (lastTick.isPresent() && lastTick.getAsLong() < 0) {
            throw new IllegalArgumentException("the last tick must be ≥ 0, got " + lastTick.getAsLong());
        }
        if (logInterval.isNegative() || logInterval.isZero()) {
            throw new IllegalArgumentException("the world log interval must be positive, got " + logInterval);
        }
        if (storeTimeout.isNegative() || storeTimeout.isZero()) {
            throw new IllegalArgumentException("the world view store timeout must be positive, got " + storeTimeout);
        }
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(summaryInterval, "summaryInterval");
        if (summaryInterval.isNegative() || summaryInterval.isZero()) {
            throw new IllegalArgumentException("the summary interval must be positive, got " + summaryInterval);
        }
    }

    /** {@code config} on as many threads as there are processors, without a last tick. */
    public static WorldServiceSettings of(WorldConfig config) {
        return new WorldServiceSettings(config, Runtime.getRuntime().availableProcessors(), OptionalLong.empty(),
                DEFAULT_LOG_INTERVAL, DEFAULT_STORE_TIMEOUT, Commands.DEFAULTS, DEFAULT_SUMMARY_INTERVAL);
    }

    public WorldServiceSettings withThreads(int threads) {
        return new WorldServiceSettings(config, threads, lastTick, logInterval, storeTimeout, commands,
                summaryInterval);
    }

    public WorldServiceSettings withLastTick(long tick) {
        return new WorldServiceSettings(config, threads, OptionalLong.of(tick), logInterval, storeTimeout, commands,
                summaryInterval);
    }

    public WorldServiceSettings withLogInterval(Duration interval) {
        return new WorldServiceSettings(config, threads, lastTick, interval, storeTimeout, commands, summaryInterval);
    }

    public WorldServiceSettings withCommands(Commands settings) {
        return new WorldServiceSettings(config, threads, lastTick, logInterval, storeTimeout, settings,
                summaryInterval);
    }

    public WorldServiceSettings withSummaryInterval(Duration interval) {
        return new WorldServiceSettings(config, threads, lastTick, logInterval, storeTimeout, commands, interval);
    }
}
