package org.vvmhost.services.world;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What world to simulate. Load it from YAML with {@link #load(Path, Map)}; every field has a default, so an empty
 * document gives {@link #defaults()}.
 *
 * <pre>
 * world:
 *   size: {width: 1000, height: 1000}
 *   areas: {rows: 4, cols: 4}
 *   entities: 100000
 *   seed: 42
 *   tick-rate: 20          # Hz, or max
 *   component-sets:
 *     physics: {simulators: 2}
 *     vitality: {simulators: 1}
 *   passives-per-area: 1
 *   backup-interval: 200   # ticks
 * </pre>
 *
 * @param componentSets the enabled sets by name, in name order: that order is the world's canonical set order
 */
public record WorldConfig(
        Size size,
        Areas areas,
        int entities,
        long seed,
        TickRate tickRate,
        Map<String, SetConfig> componentSets,
        int passivesPerArea,
        int backupInterval) {

    /** The world's extent; positions lie in {@code [0, width] × [0, height]}. */
    public record Size(float width, float height) {
        public Size {
            WorldConfigException.require(Float.isFinite(width) && width > 0, "world.size.width",
                    "must be a finite number > 0", width);
            WorldConfigException.require(Float.isFinite(height) && height > 0, "world.size.height",
                    "must be a finite number > 0", height);
        }
    }

    /** The grid of areas: authority is granted per (component set, area). */
    public record Areas(int rows, int cols) {
        /** Every (set, area) is a partition with its own authority grant; a million is far past any useful grid. */
        public static final int MAX_AREAS = 1 << 20;

        public Areas {
            WorldConfigException.require(rows >= 1, "world.areas.rows", "must be ≥ 1", rows);
            WorldConfigException.require(cols >= 1, "world.areas.cols", "must be ≥ 1", cols);
            WorldConfigException.require((long) rows * cols <= MAX_AREAS, "world.areas",
                    "rows × cols must be ≤ " + MAX_AREAS, (long) rows * cols);
        }

        public int count() {
            return rows * cols;
        }
    }

    /** Ticks per second, or {@link #MAX}: as fast as possible (for benchmarks). */
    public record TickRate(double hertz) {
        public static final TickRate MAX = new TickRate(Double.POSITIVE_INFINITY);

        public TickRate {
            WorldConfigException.require(hertz > 0 && !Double.isNaN(hertz), "world.tick-rate",
                    "must be a number of Hz > 0, or max", hertz);
        }

        public boolean isMax() {
            return Double.isInfinite(hertz);
        }

        /** The time between two ticks; zero for {@link #MAX}. */
        public Duration period() {
            return isMax() ? Duration.ZERO : Duration.ofNanos(Math.round(1e9 / hertz));
        }

        @Override
        public String toString() {
            return isMax() ? "max" : hertz + " Hz";
        }
    }

    /** One enabled component set. */
    public record SetConfig(int simulators) {
        public SetConfig {
            WorldConfigException.require(simulators >= 1, "simulators", "must be ≥ 1", simulators);
        }
    }

    public static final int MAX_ENTITIES = 50_000_000;

    public WorldConfig {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(areas, "areas");
        Objects.requireNonNull(tickRate, "tickRate");
        Objects.requireNonNull(componentSets, "componentSets");
        WorldConfigException.require(entities >= 0 && entities <= MAX_ENTITIES, "world.entities",
                "must be between 0 and " + MAX_ENTITIES, entities);
        WorldConfigException.require(!componentSets.isEmpty(), "world.component-sets",
                "enable at least one component set", "none");
        WorldConfigException.require(passivesPerArea >= 0, "world.passives-per-area", "must be ≥ 0",
                passivesPerArea);
        WorldConfigException.require(backupInterval >= 1, "world.backup-interval", "must be ≥ 1 tick",
                backupInterval);
        componentSets = java.util.Collections.unmodifiableMap(new TreeMap<>(componentSets));
    }

    /** A 1000 × 1000 world of 4 × 4 areas and 10⁴ entities, physics and vitality, 20 Hz. */
    public static WorldConfig defaults() {
        return new WorldConfig(new Size(1000, 1000), new Areas(4, 4), 10_000, 42, new TickRate(20),
                Map.of("physics", new SetConfig(1), "vitality", new SetConfig(1)), 1, 200);
    }

    public WorldGeometry geometry() {
        return new WorldGeometry(size.width(), size.height(), areas.rows(), areas.cols());
    }

    /**
     * Reads a YAML world config. {@code overrides} map dotted field paths to values (for example
     * {@code world.entities=100000}, from the command line) and win over the file.
     *
     * @throws WorldConfigException naming the field, if the file or an override is invalid
     */
    public static WorldConfig load(Path file, Map<String, String> overrides) {
        return WorldConfigParser.load(file, overrides);
    }

    /** Parses YAML text; see {@link #load}. */
    public static WorldConfig parse(String yaml, Map<String, String> overrides) {
        return WorldConfigParser.parse(yaml, "<text>", overrides);
    }

    public WorldConfig withEntities(int entities) {
        return new WorldConfig(size, areas, entities, seed, tickRate, componentSets, passivesPerArea,
                backupInterval);
    }

    public WorldConfig withAreas(int rows, int cols) {
        return new WorldConfig(size, new Areas(rows, cols), entities, seed, tickRate, componentSets,
                passivesPerArea, backupInterval);
    }

    public WorldConfig withComponentSets(Map<String, SetConfig> sets) {
        return new WorldConfig(size, areas, entities, seed, tickRate, sets, passivesPerArea, backupInterval);
    }

    public WorldConfig withSeed(long seed) {
        return new WorldConfig(size, areas, entities, seed, tickRate, componentSets, passivesPerArea,
                backupInterval);
    }

    public WorldConfig withPassivesPerArea(int passives) {
        return new WorldConfig(size, areas, entities, seed, tickRate, componentSets, passives, backupInterval);
    }

    public WorldConfig withBackupInterval(int ticks) {
        return new WorldConfig(size, areas, entities, seed, tickRate, componentSets, passivesPerArea, ticks);
    }
}
