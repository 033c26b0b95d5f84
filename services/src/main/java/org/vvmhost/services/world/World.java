package org.vvmhost.services.world;

import java.util.List;
import java.util.Optional;

/**
 * A running deterministic world simulation: entities with components, grouped into component sets, simulated per
 * (set, area) by component-set simulators that each hold sole write access to their areas. A {@link WorldFactory}
 * spawns one or restores one from a {@link WorldView}.
 *
 * <p>The invariant: the {@link #hash()} after tick N depends only on the config (seed, size, areas, entities,
 * sets), the commands of ticks 1..N and N, not on how many simulators run, on how areas were reassigned, or on a
 * restore from a {@link WorldView} taken on the way.
 *
 * <p>Not thread-safe, except {@link #exists}: drive a world from one thread. It runs simulators on threads (or
 * containers) of its own, which {@link #close()} stops and joins.
 */
public interface World extends AutoCloseable {

    /** The last completed tick; 0 right after spawn. */
    long tick();

    /** {@link #step(CommandSource)} with no commands. */
    default long step() {
        return step(CommandSource.NONE);
    }

    /**
     * Computes the next tick, boundary included, and returns its number. The tick's commands, from
     * {@code commands}, are applied first, in sequence order. On a cluster, a lost area with no passive first rewinds
     * the whole world to the latest world view (see {@link #status()}); the returned number is then the view's tick
     * plus one, and the ticks after the view ask {@code commands} again.
     */
    long step(CommandSource commands);

    /**
     * A 64-bit hash of the whole state: every entity of every set, with its id and all its components, and the
     * next entity id. Independent of how rows happen to be ordered in storage.
     */
    long hash();

    /** How many entities exist: every death is followed by a birth, and commands spawn and despawn. */
    long population();

    /** The id the next newborn gets (entities spawned by commands have ids of their own, see {@link WorldCommand}). */
    long nextEntityId();

    /** The highest sequence number of a command this world has applied; -1 if none. */
    long lastCommandSeq();

    /** Whether entity {@code id} exists after the last completed tick. Thread-safe. */
    boolean exists(long id);

    /** The entity's components in every set, its area and the simulators that own it; empty if it does not exist. */
    Optional<EntityRecord> entity(long id);

    /** Of each area in {@code areas}, up to {@code limitPerArea} entities, lowest ids first. */
    List<EntityRecord> entities(int[] areas, int limitPerArea);

    /** A world view of the current tick. */
    WorldView snapshot();

    /**
     * Replaces the whole state with {@code view}'s, at the view's tick, keeping the simulators (their threads or
     * containers) running: afterwards the world steps exactly as one {@link WorldFactory#restore restored} from the
     * view would. A standby keeps its warm world at the newest view this way.
     *
     * @throws WorldViewException if the view is corrupt or was written for another world; the world is then unchanged
     */
    void load(WorldView view);

    /** Who holds each area, the writes rejected for a stale grant, and the ticks lost to rewinds. */
    WorldStatus status();

    /** Stops and joins the simulators. Idempotent. */
    @Override
    void close();
}
