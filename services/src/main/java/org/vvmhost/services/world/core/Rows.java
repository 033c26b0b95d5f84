package org.vvmhost.services.world.core;

import java.util.Arrays;
import org.vvmhost.services.world.ComponentSchema;
import org.vvmhost.services.world.Columns;

/** Collects the rows of one component set that leave an area, in the order appended, into a {@link Transfer}. */
final class Rows {

    private final int floatCount;
    private final int intCount;
    private long[] ids;
    private float[] floats;
    private int[] ints;
    private int size;

    /** Rows with room for {@code expected} entities, so that a transfer of that many needs no copy. */
    Rows(ComponentSchema schema, int expected) {
        this.floatCount = schema.floatColumns().size();
        this.intCount = schema.intColumns().size();
        int capacity = Math.max(1, expected);
        this.ids = new long[capacity];
        this.floats = new float[capacity * floatCount];
        this.ints = new int[capacity * intCount];
    }

    void append(Columns from, int row) {
        if (size == ids.length) {
            int capacity = size * 2;
            ids = Arrays.copyOf(ids, capacity);
            floats = Arrays.copyOf(floats, capacity * floatCount);
            ints = Arrays.copyOf(ints, capacity * intCount);
        }
        ids[size] = from.ids()[row];
        for (int c = 0; c < floatCount; c++) {
            floats[size * floatCount + c] = from.floats(c)[row];
        }
        for (int c = 0; c < intCount; c++) {
            ints[size * intCount + c] = from.ints(c)[row];
        }
        size++;
    }

    Transfer toTransfer(int from, int to) {
        return new Transfer(from, to, size, floatCount, intCount, ids, floats, ints);
    }
}
