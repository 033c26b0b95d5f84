package org.vvmhost.services.world;

/**
 * A group of component types that one simulator writes, for example physics = {Position, Velocity}. Add one by
 * implementing this interface and registering it in a {@link ComponentSetRegistry}; enable it in the world
 * config under {@code world.component-sets.<name>}.
 *
 * <p>Rules that keep the world deterministic:
 * <ul>
 *   <li>{@link #spawn} and {@link #tick} may depend only on the seed, the tick, the entity id and the entity's
 *       own components in this set: never on the row order, the area split, or the other entities.</li>
 *   <li>A tick writes only the given columns. Moving an entity to another area or deleting it is reported
 *       through the {@link TickContext}; it is applied at the tick boundary, in a fixed order, for every set.</li>
 * </ul>
 */
public interface ComponentSet {

    /** The name in the config, for example {@code physics}. Lower-case letters, digits and dashes. */
    String name();

    /** The columns each entity has in this set. */
    ComponentSchema schema();

    /** Writes the components of a newly born entity into {@code row}. */
    void spawn(Spawn spawn, Columns columns, int row);

    /** Advances rows {@code [0, columns.size())} of one area by one tick. */
    void tick(TickContext context, Columns columns);

    /** Who is born, where, in which world. */
    record Spawn(long seed, long entityId, float x, float y, WorldGeometry geometry) {
    }
}
