package org.vvmhost.services.world.core;

/**
 * Rows of one component set leaving area {@code from} for area {@code to} at a tick boundary, in entity id order:
 * row {@code i} is {@code ids[i]}, with its float columns at {@code floats[i * floatColumns ...]} and its int
 * columns at {@code ints[i * intColumns ...]}. The arrays may be longer than {@code size}.
 */
public record Transfer(int from, int to, int size, int floatColumns, int intColumns, long[] ids, float[] floats,
                       int[] ints) {

    public long id(int index) {
        return ids[index];
    }

    public float floatAt(int index, int column) {
        return floats[index * floatColumns + column];
    }

    public int intAt(int index, int column) {
        return ints[index * intColumns + column];
    }
}
