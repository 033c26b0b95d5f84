package org.vvmhost.services.world.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tick's commands routed to the (component set, area) each one concerns, in sequence order within each, with what
 * the routing counted. Read only once built, so simulators on several threads may share it.
 *
 * @param lastSeq the highest sequence number among the tick's commands; -1 if none
 */
public record RoutedCommands(Map<Long, List<AreaCommand>> byPartition, long applied, long ignored, long lastSeq) {

    /** The commands of set {@code s} in {@code area}, in order; empty if none. */
    public List<AreaCommand> of(int s, int area) {
        return byPartition.getOrDefault(key(s, area), List.of());
    }

    static long key(int s, int area) {
        return ((long) s << 32) | (area & 0xffffffffL);
    }

    /** Collects the routed commands of one tick. */
    static final class Builder {
        private final Map<Long, List<AreaCommand>> byPartition = new HashMap<>();

        void add(int s, int area, AreaCommand command) {
            byPartition.computeIfAbsent(key(s, area), k -> new ArrayList<>()).add(command);
        }

        RoutedCommands build(long applied, long ignored, long lastSeq) {
            Map<Long, List<AreaCommand>> frozen = new HashMap<>();
            byPartition.forEach((key, commands) -> frozen.put(key, List.copyOf(commands)));
            return new RoutedCommands(frozen, applied, ignored, lastSeq);
        }
    }
}
