package org.vvmhost.services.world;

import java.util.Arrays;

/** Rows of one component set in transit between two areas at a tick boundary, in the order appended. */
final class Rows {

    private final int floatCount;
    private final int intCount;
    private long[] ids = new long[8];
    private float[] floats;
    private int[] ints;
    private int size;

    Rows(ComponentSchema schema) {
        this.floatCount = schema.floatColumns().size();
        this.intCount = schema.intColumns().size();
        this.floats = new float[8 * floatCount];
        this.ints = new int[8 * intCount];
    }

    int size() {
        return size;
    }

    long id(int index) {
        return ids[index];
    }

    float floatAt(int index, int column) {
        return floats[index * floatCount + column];
    }

    int intAt(int index, int column) {
        return ints[index * intCount + column];
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
}
