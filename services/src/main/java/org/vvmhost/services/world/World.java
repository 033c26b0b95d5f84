package org.vvmhost.services.world;

/**
 * A running deterministic world simulation: entities with components, grouped into component sets, simulated per
 * (set, area) by component-set simulators that each hold sole write access to their areas. A {@link WorldFactory}
 * spawns one or restores one from a {@link WorldView}.
 *
 * <p>The invariant: the {@link #hash()} after tick N depends only on the config (seed, size, areas, entities,
 * sets) and N, not on how many simulators run, on how areas were reassigned, or on a restore from a
 * {@link WorldView} taken on the way.
 *
 * <p>Not thread-safe: drive a world from one thread. It runs simulators on threads (or containers) of its own,
 * which {@link #close()} stops and joins.
 */
public interface World extends AutoCloseable {

    /** The last completed tick; 0 right after spawn. */
    long tick();

    /**
     * Computes the next tick, boundary included, and returns its number. On a cluster, a lost area with no passive
     * first rewinds the whole world to the latest world view (see {@link #status()}); the returned number is then
     * the view's tick plus one.
     */
    long step();

    /**
     * A 64-bit hash of the whole state: every entity of every set, with its id and all its components, and the
     * next entity id. Independent of how rows happen to be ordered in storage.
     */
    long hash();

    /** How many entities exist; constant, since every death is followed by a birth. */
    long population();

    /** A world view of the current tick. */
    WorldView snapshot();

    /** Who holds each area, the writes rejected for a stale grant, and the ticks lost to rewinds. */
    WorldStatus status();

    /** Stops and joins the simulators. Idempotent. */
    @Override
    void close();
}
