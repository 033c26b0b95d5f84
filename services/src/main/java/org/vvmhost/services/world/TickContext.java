package org.vvmhost.services.world;

/** What a component set sees of the world while it ticks one area, and where it reports structural changes. */
public interface TickContext {

    /** The tick being computed (the first tick after spawn is 1). */
    long tick();

    long seed();

    WorldGeometry geometry();

    /** The area being ticked. */
    int area();

    /** The entity in {@code row} now belongs to area {@code toArea}; it moves there, with all its sets. */
    void moved(int row, int toArea);

    /** The entity in {@code row} dies: it is deleted from every set, and a new entity is born. */
    void died(int row);
}
