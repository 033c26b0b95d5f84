package org.vvmhost.services.world.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * What changed in one component set's area during tick {@code tick}, for a passive that holds the area's state
 * after {@code baseTick} ({@code tick - 1}): the adds and removes in the order the active made them (the id
 * added, or {@code ~row} for the row removed: born, arrived, died, left), which leaves the rows in the active's
 * order, then the
 * values that differ, column by column. A column is sent dense (every row, {@code rows} null) when most of it
 * changed, as positions do, and sparse otherwise. See {@link DeltaTracker}.
 *
 * <p>A dense column's values are the first {@code size} of an array that may be longer: the active lends its own
 * copy of the column, which it changes again at its next tick, so a delta is to be applied before that and not
 * kept. The coordinator waits for every passive's sync before it starts the next tick, and a passive that misses
 * it is no longer a passive of the area until a full state replaces its copy. {@link #cutToSize} gives a delta of
 * its own to send elsewhere.
 *
 * @param size     the entities after the tick
 * @param checksum the active's {@link Partition#contentHash} after the tick, when {@code checked}; a passive that
 *                 ends elsewhere has diverged and needs a full snapshot
 */
public record AreaDelta(String set, int area, long baseTick, long tick, long epoch, long[] ops, int size,
                        FloatChanges[] floats, IntChanges[] ints, boolean checked, long checksum) {

    public AreaDelta {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(floats, "floats");
        Objects.requireNonNull(ints, "ints");
    }

    /** A delta whose arrays hold no more than it needs and are its own. */
    public AreaDelta cutToSize() {
        FloatChanges[] ownFloats = new FloatChanges[floats.length];
        for (int c = 0; c < floats.length; c++) {
            FloatChanges column = floats[c];
            ownFloats[c] = column.rows() != null ? column
                    : new FloatChanges(null, Arrays.copyOf(column.values(), size));
        }
        IntChanges[] ownInts = new IntChanges[ints.length];
        for (int c = 0; c < ints.length; c++) {
            IntChanges column = ints[c];
            ownInts[c] = column.rows() != null ? column : new IntChanges(null, Arrays.copyOf(column.values(), size));
        }
        return new AreaDelta(set, area, baseTick, tick, epoch, ops, size, ownFloats, ownInts, checked, checksum);
    }

    /**
     * The changed values of a float column: {@code values[i]} goes to row {@code rows[i]}; if {@code rows} is null,
     * the first values go to all rows.
     */
    public record FloatChanges(int[] rows, float[] values) {

        /** Writes the values into {@code column}, which the rows fit; {@code size} rows if dense. */
        void writeTo(float[] column, int size) {
            if (!copiedWhole(rows, values, column, size)) {
                for (int i = 0; i < rows.length; i++) {
                    column[rows[i]] = values[i];
                }
            }
        }
    }

    /**
     * The changed values of an int column: {@code values[i]} goes to row {@code rows[i]}; if {@code rows} is null,
     * the first values go to all rows.
     */
    public record IntChanges(int[] rows, int[] values) {

        /** Writes the values into {@code column}, which the rows fit; {@code size} rows if dense. */
        void writeTo(int[] column, int size) {
            if (!copiedWhole(rows, values, column, size)) {
                for (int i = 0; i < rows.length; i++) {
                    column[rows[i]] = values[i];
                }
            }
        }
    }

    /** Copies the first {@code length} of a dense column's {@code values} over {@code column}; false if sparse. */
    private static boolean copiedWhole(int[] rows, Object values, Object column, int length) {
        if (rows != null) {
            return false;
        }
        System.arraycopy(values, 0, column, 0, length);
        return true;
    }
}
