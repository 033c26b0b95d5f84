package org.vvmhost.services.world;

/**
 * The storage of one component set in one area: a column of primitives per field, rows {@code [0, size())}
 * valid. The arrays may be longer than {@code size()}; a component set updates them in place.
 */
public interface Columns {

    int size();

    /** Entity ids, by row. Read only. */
    long[] ids();

    /** Float column {@code column} in the order of {@link ComponentSchema#floatColumns()}. */
    float[] floats(int column);

    /** Int column {@code column} in the order of {@link ComponentSchema#intColumns()}. */
    int[] ints(int column);
}
