package org.vvmhost.services.world.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the coordinator needs from the assignments at every tick (who holds which areas under which epochs, which of
 * them have passives, and who those are), worked out once per change of the {@link AssignmentTable} instead of
 * asked of it several times per tick.
 */
final class Routing {

    /** A simulator that is active for {@code areas} (ascending), with their epochs and those that have passives. */
    record Holder(int setIndex, Set<Integer> areaSet, int[] areas, long[] epochs, int[] replicated) {
    }

    private final Map<String, Set<Integer>> activeAreas;
    private final Map<String, Holder> holders;
    private final List<List<List<String>>> passives;

    Routing(AssignmentTable table, int sets, int areaCount) {
        Map<String, Set<Integer>> active = new LinkedHashMap<>();
        Map<String, Holder> byName = new LinkedHashMap<>();
        table.activeAreas().forEach((container, held) -> {
            Set<Integer> areaSet = Collections.unmodifiableSet(new TreeSet<>(held));
            int s = table.setOf(container);
            int[] areas = SimulatorProtocol.areas(areaSet);
            long[] epochs = new long[areas.length];
            for (int i = 0; i < areas.length; i++) {
                epochs[i] = table.epoch(s, areas[i]);
            }
            active.put(container, areaSet);
            byName.put(container, new Holder(s, areaSet, areas, epochs,
                    SimulatorProtocol.areas(table.replicated(container))));
        });
        this.activeAreas = Collections.unmodifiableMap(active);
        this.holders = byName;
        this.passives = new ArrayList<>();
        for (int s = 0; s < sets; s++) {
            List<List<String>> ofSet = new ArrayList<>();
            for (int area = 0; area < areaCount; area++) {
                ofSet.add(table.passives(s, area));
            }
            passives.add(ofSet);
        }
    }

    /** The active areas of each simulator that holds any, by name. */
    Map<String, Set<Integer>> activeAreas() {
        return activeAreas;
    }

    /** The simulator's holding, or null if it is active for no area. */
    Holder holder(String container) {
        return holders.get(container);
    }

    List<String> passives(int s, int area) {
        return passives.get(s).get(area);
    }
}
