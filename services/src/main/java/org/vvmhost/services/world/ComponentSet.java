package org.vvmhost.services.world;

import java.util.List;

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
 *   <li>{@link #apply} changes only the given row's columns, and depends only on the command and those columns.</li>
 * </ul>
 *
 * <p>A set may declare kinds of commands on one entity ({@link #commands}): the API checks their fields against the
 * declared bounds, and the simulator with authority over the entity's area applies them at the start of their tick.
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

    /**
     * The command kinds this set handles in a world of {@code geometry}; none by default. A kind's name is unique
     * among the sets of a world.
     */
    default List<CommandKind> commands(WorldGeometry geometry) {
        return List.of();
    }

    /**
     * Applies {@code command}, of a kind from {@link #commands} with its fields within their bounds, to the entity in
     * {@code row} of a world of {@code geometry}.
     */
    default void apply(WorldCommand.OnEntity command, Columns columns, int row, WorldGeometry geometry) {
        throw new UnsupportedOperationException(name() + " has no command kind '" + command.kind() + "'");
    }

    /**
     * The columns a spawn command may set (under {@code components.<set>}), with their bounds; none by default, and
     * then {@link #spawn} alone decides. Each name is a column of {@link #schema()}.
     */
    default List<CommandField> spawnFields(WorldGeometry geometry) {
        return List.of();
    }

    /** Who is born, where, in which world. */
    record Spawn(long seed, long entityId, float x, float y, WorldGeometry geometry) {
    }
}
