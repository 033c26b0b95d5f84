package org.vvmhost.services.world;

import java.util.List;
import java.util.Objects;

/** The columns of a component set: primitive arrays, one per field, for example {@code x, y, vx, vy}. */
public record ComponentSchema(List<String> floatColumns, List<String> intColumns) {

    public ComponentSchema {
        floatColumns = List.copyOf(Objects.requireNonNull(floatColumns, "floatColumns"));
        intColumns = List.copyOf(Objects.requireNonNull(intColumns, "intColumns"));
    }

    /** Bytes one entity takes in a snapshot, its id included. */
    public int bytesPerEntity() {
        return Long.BYTES + Float.BYTES * floatColumns.size() + Integer.BYTES * intColumns.size();
    }
}
