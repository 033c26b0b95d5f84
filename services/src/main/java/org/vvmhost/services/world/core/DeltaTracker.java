package org.vvmhost.services.world.core;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;

/**
 * An active's side of keeping passives in sync by deltas, for one area: a mirror of the state its passives hold
 * (the state after {@link #tick()}), and the journal of the adds and removes the live partition made since. At the
 * end of each tick {@link #next} replays the journal on the mirror, compares the mirror with the live partition
 * column by column, sends what differs and brings the mirror level. The cost is a pass over the area's columns
 * instead of a full copy of the area. A dense column is sent as the mirror's own column (see {@link AreaDelta}),
 * so the allocation is the ops and the sparse columns only.
 *
 * <p>Not thread-safe: it belongs to the simulator that holds the area.
 */
public final class DeltaTracker {

    /** A column with more than this share of rows changed goes dense. */
    private static final int DENSE_DIVISOR = 4;

    private final Partition live;
    private final Partition mirror;
    private final LongArrayList journal = new LongArrayList();
    private final IntArrayList changed = new IntArrayList();
    private long tick;

    private DeltaTracker(Partition live, long tick) {
        this.live = live;
        this.mirror = live.copyRows();
        this.tick = tick;
        live.journal(journal);
    }

    /** Starts tracking {@code live}, whose passives hold its state after {@code tick} (a full snapshot). */
    public static DeltaTracker start(Partition live, long tick) {
        return new DeltaTracker(live, tick);
    }

    /** The partition tracked. */
    public Partition live() {
        return live;
    }

    /** The tick whose state the passives hold. */
    public long tick() {
        return tick;
    }

    /**
     * The delta from the state after {@link #tick()} to the live state after {@code tick}; with {@code checked},
     * it carries the content hash of set {@code setIndex} for the passive to compare.
     */
    public AreaDelta next(long tick, long epoch, int setIndex, boolean checked) {
        long[] ops = journal.toLongArray();
        journal.clear();
        for (long op : ops) {
            if (op >= 0) {
                mirror.appendUnindexed(op);
            } else {
                mirror.removeUnindexed((int) ~op);
            }
        }
        int size = live.size();
        if (mirror.size() != size) {
            throw new IllegalStateException("the mirror of " + live.set().name() + " area " + live.area() + " has "
                    + mirror.size() + " entities, the area " + size);
        }
        AreaDelta.FloatChanges[] floats = new AreaDelta.FloatChanges[live.set().schema().floatColumns().size()];
        for (int c = 0; c < floats.length; c++) {
            floats[c] = changes(live.floats(c), mirror.floats(c), size);
        }
        AreaDelta.IntChanges[] ints = new AreaDelta.IntChanges[live.set().schema().intColumns().size()];
        for (int c = 0; c < ints.length; c++) {
            ints[c] = changes(live.ints(c), mirror.ints(c), size);
        }
        AreaDelta delta = new AreaDelta(live.set().name(), live.area(), this.tick, tick, epoch, ops, size, floats,
                ints, checked, checked ? live.contentHash(setIndex) : 0);
        this.tick = tick;
        return delta;
    }

    /** Stops recording on the live partition. */
    public void stop() {
        live.journal(null);
    }

    /** The changes of a column from {@code was} (the mirror's) to {@code now}; the mirror's column is then level. */
    private AreaDelta.FloatChanges changes(float[] now, float[] was, int size) {
        changed.clear();
        int limit = size / DENSE_DIVISOR;
        for (int row = 0; row < size && changed.size() <= limit; row++) {
            if (Float.floatToRawIntBits(now[row]) != Float.floatToRawIntBits(was[row])) {
                changed.add(row);
            }
        }
        int[] rows = sparseRows(limit);
        if (rows == null) {
            System.arraycopy(now, 0, was, 0, size);
            return new AreaDelta.FloatChanges(null, was);
        }
        float[] values = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = now[rows[i]];
            was[rows[i]] = values[i];
        }
        return new AreaDelta.FloatChanges(rows, values);
    }

    /** As for a float column. */
    private AreaDelta.IntChanges changes(int[] now, int[] was, int size) {
        changed.clear();
        int limit = size / DENSE_DIVISOR;
        for (int row = 0; row < size && changed.size() <= limit; row++) {
            if (now[row] != was[row]) {
                changed.add(row);
            }
        }
        int[] rows = sparseRows(limit);
        if (rows == null) {
            System.arraycopy(now, 0, was, 0, size);
            return new AreaDelta.IntChanges(null, was);
        }
        int[] values = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = now[rows[i]];
            was[rows[i]] = values[i];
        }
        return new AreaDelta.IntChanges(rows, values);
    }

    /** The rows found changed, or null when there are more than {@code limit} and the column goes dense. */
    private int[] sparseRows(int limit) {
        return changed.size() > limit ? null : changed.toIntArray();
    }
}
