package org.vvmhost.services.world.core;

import org.vvmhost.services.world.ComponentSet;

/**
 * A passive's copy of one area, kept up to date by its active's deltas. It holds the rows in the active's order
 * without an id index, so a delta costs array writes only (no hashing of the entities that come and go); the index
 * is built once, when the copy is promoted.
 *
 * <p>Not thread-safe: it belongs to the simulator that follows the area.
 */
public final class PassiveCopy {

    private final Partition rows;
    private long tick;

    private PassiveCopy(Partition rows, long tick) {
        this.rows = rows;
        this.tick = tick;
        rows.dropIndex();
    }

    /** A copy of the area's full state. */
    public static PassiveCopy of(ComponentSet set, AreaSnapshot snapshot) {
        return new PassiveCopy(Partition.restore(set, snapshot), snapshot.tick());
    }

    /** The tick whose state this copy holds. */
    public long tick() {
        return tick;
    }

    /**
     * Applies {@code delta} if it was made from this copy's tick, and, where the delta is checked, compares the
     * content hash of set {@code setIndex}. False if the delta does not fit or the copy ends elsewhere than its
     * active: the copy is then no good and must be replaced by a full state.
     */
    public boolean apply(AreaDelta delta, int setIndex) {
        if (delta.baseTick() != tick) {
            return false;
        }
        try {
            rows.apply(delta);
        } catch (IllegalStateException e) {
            return false;
        }
        if (delta.checked() && rows.contentHash(setIndex) != delta.checksum()) {
            return false;
        }
        tick = delta.tick();
        return true;
    }

    /** The copy as a partition to hold, with its id index built; the copy is not to be used afterwards. */
    public Partition promote() {
        rows.reindex();
        return rows;
    }
}
