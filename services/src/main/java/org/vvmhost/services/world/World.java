package org.vvmhost.services.world;

import java.util.List;
import java.util.Map;

/**
 * A deterministic world simulation: entities with components, grouped into component sets, simulated per
 * (set, area) by component-set simulators that each hold sole write access to their areas.
 *
 * <p>The invariant: the {@link #hash()} after tick N depends only on the config (seed, size, areas, entities,
 * sets) and N, not on how many simulators run, on how areas were reassigned, or on a restore from a
 * {@link WorldView} taken on the way.
 *
 * <p>Not thread-safe: drive a world from one thread. It runs simulators on its own named threads, which
 * {@link #close()} stops and joins.
 */
public interface World extends AutoCloseable {

    /**
     * Spawns the world of {@code config} at tick 0.
     *
     * @param threads how many threads run simulators in parallel; 1 runs them on the calling thread
     * @throws WorldConfigException if the config names a component set that {@code sets} lacks
     */
    static World create(WorldConfig config, ComponentSetRegistry sets, int threads) {
        return DefaultWorld.spawn(config, sets, threads);
    }

    /**
     * Brings back the world saved in {@code view}, at the view's tick.
     *
     * @throws WorldViewException if the view is corrupt, or was written for another world (the message names the
     *     config field that differs)
     */
    static World restore(WorldConfig config, ComponentSetRegistry sets, int threads, WorldView view) {
        return DefaultWorld.restore(config, sets, threads, view);
    }

    /**
     * Spawns the world of {@code config} at tick 0, its simulators running where {@code runtime} says. On a cluster,
     * this waits (up to the runtime's timeout) until every set has at least one simulator container running.
     *
     * @throws WorldConfigException if the config names a component set that {@code sets} lacks
     */
    static World create(WorldConfig config, ComponentSetRegistry sets, WorldRuntime runtime) {
        if (runtime.cluster().isEmpty()) {
            return DefaultWorld.spawn(config, sets, runtime.threads());
        }
        return ClusterWorld.spawn(config, sets, runtime);
    }

    /** Brings back the world saved in {@code view}, its simulators running where {@code runtime} says. */
    static World restore(WorldConfig config, ComponentSetRegistry sets, WorldRuntime runtime, WorldView view) {
        if (runtime.cluster().isEmpty()) {
            return DefaultWorld.restore(config, sets, runtime.threads(), view);
        }
        return ClusterWorld.restore(config, sets, runtime, view);
    }

    /** The last completed tick; 0 right after spawn. */
    long tick();

    /**
     * Computes the next tick, boundary included, and returns its number. On a cluster, a lost area with no passive
     * first rewinds the whole world to the latest world view (see {@link #status()}); the returned number is then
     * the view's tick plus one.
     */
    long step();

    /** Steps until {@link #tick()} is {@code tick}. */
    default void advanceTo(long tick) {
        while (tick() < tick) {
            step();
        }
    }

    /**
     * A 64-bit hash of the whole state: every entity of every set, with its id and all its components, and the
     * next entity id. Independent of how rows happen to be ordered in storage.
     */
    long hash();

    /** How many entities exist; constant, since every death is followed by a birth. */
    long population();

    /** A world view of the current tick. */
    WorldView snapshot();

    /** The simulators of each set, by id, with the areas they hold. */
    Map<String, List<Integer>> assignments();

    /**
     * Moves authority over ({@code set}, {@code area}) to simulator number {@code simulator} of that set, through
     * a snapshot, between two ticks.
     */
    void reassign(String set, int area, int simulator);

    /** Writes rejected because the writer's authority grant was not current. */
    long rejectedWrites();

    /** Who holds each area, and the ticks lost to rewinds. */
    WorldStatus status();

    /** Stops and joins the simulator threads. Idempotent. */
    @Override
    void close();
}
