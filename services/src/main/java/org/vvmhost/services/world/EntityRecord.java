package org.vvmhost.services.world;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entity as a query reads it between two ticks.
 *
 * @param components set → column → value (a {@code Float} or an {@code Integer}), sets and columns in their order
 * @param owners     set → the simulator with authority over the entity's area in that set
 */
public record EntityRecord(long id, int area, Map<String, Map<String, Number>> components,
                           Map<String, String> owners) {

    public EntityRecord {
        Map<String, Map<String, Number>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(components, "components").forEach((set, columns) ->
                copy.put(set, Collections.unmodifiableMap(new LinkedHashMap<>(columns))));
        components = Collections.unmodifiableMap(copy);
        owners = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(owners, "owners")));
    }
}
