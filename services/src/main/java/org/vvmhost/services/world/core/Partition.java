package org.vvmhost.services.world.core;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.vvmhost.services.world.Columns;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.WorldRandom;

/**
 * The components of one set in one area: a primitive array per column, rows packed in {@code [0, size)}, and an
 * entity id → row map. Removal swaps the last row into the hole, so every operation is O(1).
 *
 * <p>Not thread-safe: it belongs to the one simulator that holds authority over it.
 */
public final class Partition implements Columns {

    private static final int MIN_CAPACITY = 16;

    private final ComponentSet set;
    private final int area;
    private final int floatCount;
    private final int intCount;
    private final float[][] floats;
    private final int[][] ints;
    private final Long2IntOpenHashMap rowById;
    private long[] ids;
    private int size;
    /** While a {@link DeltaTracker} follows this partition: its adds (ids) and removes ({@code ~row}), in order. */
    private LongArrayList journal;

    public Partition(ComponentSet set, int area, int expected) {
        this.set = set;
        this.area = area;
        this.floatCount = set.schema().floatColumns().size();
        this.intCount = set.schema().intColumns().size();
        int capacity = Math.max(MIN_CAPACITY, expected);
        this.ids = new long[capacity];
        this.floats = new float[floatCount][capacity];
        this.ints = new int[intCount][capacity];
        this.rowById = new Long2IntOpenHashMap(capacity);
        this.rowById.defaultReturnValue(-1);
    }

    public ComponentSet set() {
        return set;
    }

    public int area() {
        return area;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long[] ids() {
        return ids;
    }

    @Override
    public float[] floats(int column) {
        return floats[column];
    }

    @Override
    public int[] ints(int column) {
        return ints[column];
    }

    /** The row of {@code id}, or -1. */
    public int rowOf(long id) {
        return rowById.get(id);
    }

    /** Appends a zeroed row for {@code id} and returns it. */
    public int add(long id) {
        if (rowById.containsKey(id)) {
            throw new IllegalStateException("entity " + id + " is already in " + set.name() + " area " + area);
        }
        if (size == ids.length) {
            grow();
        }
        int row = size++;
        ids[row] = id;
        if (journal != null) {
            journal.add(id);
        }
        for (float[] column : floats) {
            column[row] = 0;
        }
        for (int[] column : ints) {
            column[row] = 0;
        }
        rowById.put(id, row);
        return row;
    }

    /** Deletes {@code id}'s row by moving the last row into it. */
    public void remove(long id) {
        int row = rowById.remove(id);
        if (row < 0) {
            throw new IllegalStateException("entity " + id + " is not in " + set.name() + " area " + area);
        }
        if (journal != null) {
            journal.add(~(long) row);
        }
        fillHole(row);
        if (row < size) {
            rowById.put(ids[row], row);
        }
    }

    /** Moves the last row into {@code row}, which is gone; the id index is the caller's to update. */
    private void fillHole(int row) {
        int last = --size;
        if (row != last) {
            ids[row] = ids[last];
            for (float[] column : floats) {
                column[row] = column[last];
            }
            for (int[] column : ints) {
                column[row] = column[last];
            }
        }
    }

    /** Appends a zeroed row for {@code id} to a copy with no id index (a {@link DeltaTracker}'s mirror). */
    void appendUnindexed(long id) {
        if (size == ids.length) {
            grow();
        }
        ids[size] = id;
        for (float[] column : floats) {
            column[size] = 0;
        }
        for (int[] column : ints) {
            column[size] = 0;
        }
        size++;
    }

    /** Removes {@code row} from a copy with no id index, as {@link #remove} would. */
    void removeUnindexed(int row) {
        fillHole(row);
    }

    /** Starts ({@code journal} not null) or stops recording adds and removes. */
    void journal(LongArrayList journal) {
        this.journal = journal;
    }

    /** The rows, in the same order, with no id index: only {@link #appendUnindexed} and {@link #removeUnindexed}
     *  may change it. */
    Partition copyRows() {
        Partition copy = new Partition(set, area, size);
        System.arraycopy(ids, 0, copy.ids, 0, size);
        for (int c = 0; c < floatCount; c++) {
            System.arraycopy(floats[c], 0, copy.floats[c], 0, size);
        }
        for (int c = 0; c < intCount; c++) {
            System.arraycopy(ints[c], 0, copy.ints[c], 0, size);
        }
        copy.size = size;
        return copy;
    }

    /** Forgets the id index: the partition becomes a copy for {@link #appendUnindexed} and {@link #apply}. */
    void dropIndex() {
        rowById.clear();
    }

    /** Builds the id index of a copy that had none, so it can be held and simulated again. */
    void reindex() {
        rowById.clear();
        rowById.ensureCapacity(size);
        for (int row = 0; row < size; row++) {
            if (rowById.put(ids[row], row) >= 0) {
                throw new IllegalStateException(set.name() + " area " + area + " holds entity " + ids[row]
                        + " twice");
            }
        }
    }

    /**
     * Applies {@code delta} to a copy with no id index, made from this copy's state after {@code
     * delta.baseTick()}: the adds and removes in their order, so the rows end in the active's order, then the
     * changed values.
     *
     * @throws IllegalStateException if the delta does not fit this copy (it was made from another state)
     */
    void apply(AreaDelta delta) {
        for (long op : delta.ops()) {
            if (op >= 0) {
                appendUnindexed(op);
            } else if (~op < size) {
                removeUnindexed((int) ~op);
            } else {
                throw new IllegalStateException(set.name() + " area " + area + " has no row " + ~op + " to remove in "
                        + "the delta of tick " + delta.tick());
            }
        }
        if (size != delta.size()) {
            throw new IllegalStateException(set.name() + " area " + area + " has " + size + " entities after the "
                    + "delta of tick " + delta.tick() + ", its active " + delta.size());
        }
        applyValues(delta);
    }

    /** Writes the changed values of {@code delta} into the columns, whose rows are already the active's. */
    private void applyValues(AreaDelta delta) {
        if (delta.floats().length != floatCount || delta.ints().length != intCount) {
            throw new IllegalStateException("the delta of tick " + delta.tick() + " has other columns than "
                    + set.name());
        }
        for (int c = 0; c < floatCount; c++) {
            AreaDelta.FloatChanges column = delta.floats()[c];
            requireFits(column.rows(), column.values().length, delta);
            column.writeTo(floats[c], size);
        }
        for (int c = 0; c < intCount; c++) {
            AreaDelta.IntChanges column = delta.ints()[c];
            requireFits(column.rows(), column.values().length, delta);
            column.writeTo(ints[c], size);
        }
    }

    /** Checks that {@code rows} (null: every row, from the first values) and {@code values} values fit the rows. */
    private void requireFits(int[] rows, int values, AreaDelta delta) {
        boolean fits = rows == null ? values >= size : rows.length == values;
        for (int i = 0; fits && rows != null && i < rows.length; i++) {
            fits = rows[i] >= 0 && rows[i] < size;
        }
        if (!fits) {
            throw new IllegalStateException("a column of the delta of tick " + delta.tick() + " does not fit the "
                    + size + " rows of " + set.name() + " area " + area);
        }
    }

    /** Copies {@code id}'s components into {@code into}, then removes it. */
    void moveOut(long id, Rows into) {
        int row = rowById.get(id);
        if (row < 0) {
            throw new IllegalStateException("entity " + id + " is not in " + set.name() + " area " + area);
        }
        into.append(this, row);
        remove(id);
    }

    /** Adds row {@code index} of {@code from}, with its components. */
    void moveIn(Transfer from, int index) {
        int row = add(from.id(index));
        for (int c = 0; c < floatCount; c++) {
            floats[c][row] = from.floatAt(index, c);
        }
        for (int c = 0; c < intCount; c++) {
            ints[c][row] = from.intAt(index, c);
        }
    }

    private void grow() {
        int capacity = ids.length + (ids.length >> 1) + 1;
        ids = Arrays.copyOf(ids, capacity);
        for (int c = 0; c < floatCount; c++) {
            floats[c] = Arrays.copyOf(floats[c], capacity);
        }
        for (int c = 0; c < intCount; c++) {
            ints[c] = Arrays.copyOf(ints[c], capacity);
        }
    }

    /**
     * The sum over rows of a well-mixed hash of (set index, entity id, every component). A sum does not depend on
     * the row order, which differs with the history of swap-removals, but does on every value.
     */
    public long contentHash(int setIndex) {
        long salt = WorldRandom.fmix(setIndex);
        long sum = 0;
        for (int row = 0; row < size; row++) {
            long h = WorldRandom.fmix(ids[row] ^ salt);
            for (float[] column : floats) {
                h = WorldRandom.fmix(h ^ Float.floatToRawIntBits(column[row]));
            }
            for (int[] column : ints) {
                h = WorldRandom.fmix(h ^ column[row]);
            }
            sum += h;
        }
        return sum;
    }

    /** Bytes {@link #encode} writes. */
    public long encodedSize() {
        return Integer.BYTES + (long) size * set.schema().bytesPerEntity();
    }

    /** Writes the row count, then each column whole (ids, floats, ints), little-endian. */
    public void encode(ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(size);
        out.asLongBuffer().put(ids, 0, size);
        out.position(out.position() + size * Long.BYTES);
        for (float[] column : floats) {
            out.asFloatBuffer().put(column, 0, size);
            out.position(out.position() + size * Float.BYTES);
        }
        for (int[] column : ints) {
            out.asIntBuffer().put(column, 0, size);
            out.position(out.position() + size * Integer.BYTES);
        }
    }

    /** Reads what {@link #encode} wrote. */
    public static Partition decode(ComponentSet set, int area, ByteBuffer in) {
        in.order(ByteOrder.LITTLE_ENDIAN);
        int size = in.getInt();
        long needed = (long) size * set.schema().bytesPerEntity();
        if (size < 0 || needed > in.remaining()) {
            throw new IllegalArgumentException(set.name() + " area " + area + " claims " + size
                    + " entities, but only " + in.remaining() + " bytes remain");
        }
        Partition partition = new Partition(set, area, size);
        in.asLongBuffer().get(partition.ids, 0, size);
        in.position(in.position() + size * Long.BYTES);
        for (float[] column : partition.floats) {
            in.asFloatBuffer().get(column, 0, size);
            in.position(in.position() + size * Float.BYTES);
        }
        for (int[] column : partition.ints) {
            in.asIntBuffer().get(column, 0, size);
            in.position(in.position() + size * Integer.BYTES);
        }
        for (int row = 0; row < size; row++) {
            if (partition.rowById.put(partition.ids[row], row) >= 0) {
                throw new IllegalArgumentException(set.name() + " area " + area + " holds entity "
                        + partition.ids[row] + " twice");
            }
        }
        partition.size = size;
        return partition;
    }

    /** A copy of this partition, for a passive or a migration. */
    public AreaSnapshot snapshot(long tick, long epoch) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(encodedSize()));
        encode(buffer);
        return new AreaSnapshot(set.name(), area, tick, epoch, buffer.array());
    }

    public static Partition restore(ComponentSet set, AreaSnapshot snapshot) {
        ByteBuffer in = ByteBuffer.wrap(snapshot.bytes());
        Partition partition = decode(set, snapshot.area(), in);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("snapshot of " + set.name() + " area " + snapshot.area() + " has "
                    + in.remaining() + " trailing bytes");
        }
        return partition;
    }
}
