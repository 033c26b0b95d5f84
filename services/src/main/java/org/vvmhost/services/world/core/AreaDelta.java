package org.vvmhost.services.world.core;

import java.util.Objects;

/**
 * What changed in one component set's area during tick {@code tick}, for a passive that holds the area's state
 * after {@code baseTick} ({@code tick - 1}): the adds and removes in the order the active made them (the id
 * added, or {@code ~row} for the row removed: born, arrived, died, left), which leaves the rows in the active's
 * order, then the
 * values that differ, column by column. A column is sent dense (every row, {@code rows} null) when most of it
 * changed, as positions do, and sparse otherwise. See {@link DeltaTracker}.
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

    /** The changed values of a float column: {@code values[i]} goes to row {@code rows[i]}; all rows if null. */
    public record FloatChanges(int[] rows, float[] values) {

        /** Writes the values into {@code column}, which the rows fit. */
        void writeTo(float[] column) {
            if (!copiedWhole(rows, values, column, values.length)) {
                for (int i = 0; i < rows.length; i++) {
                    column[rows[i]] = values[i];
                }
            }
        }
    }

    /** The changed values of an int column: {@code values[i]} goes to row {@code rows[i]}; all rows if null. */
    public record IntChanges(int[] rows, int[] values) {

        /** Writes the values into {@code column}, which the rows fit. */
        void writeTo(int[] column) {
            if (!copiedWhole(rows, values, column, values.length)) {
                for (int i = 0; i < rows.length; i++) {
                    column[rows[i]] = values[i];
                }
            }
        }
    }

    /** Copies a dense column's {@code values} (an array of {@code length}) over {@code column}; false if sparse. */
    private static boolean copiedWhole(int[] rows, Object values, Object column, int length) {
        if (rows != null) {
            return false;
        }
        System.arraycopy(values, 0, column, 0, length);
        return true;
    }
}
