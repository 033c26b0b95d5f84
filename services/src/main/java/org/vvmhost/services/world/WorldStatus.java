package org.vvmhost.services.world;

import java.util.List;
import java.util.Objects;

/**
 * Who simulates what, and what was lost.
 *
 * @param tick           the last completed tick
 * @param areas          every (component set, area): its active simulator and its passives, in set then area order
 * @param rejectedWrites writes refused because the writer's authority grant was not current
 * @param promotions     passives given authority because their active stopped or crashed
 * @param migrations     areas handed by a stopping active with no passive to another simulator
 * @param moves          areas moved between two running simulators to even the load
 * @param ticksLost      the sum of {@link Rewind#ticksLost()} over {@code rewinds}
 * @param rewinds        each time an area was lost with no passive and the world went back to a world view
 * @param commands       the commands applied so far, and those ignored because their entity was gone by their tick
 */
public record WorldStatus(long tick, List<AreaRoles> areas, long rejectedWrites, long promotions,
                          long migrations, long moves, long ticksLost, List<Rewind> rewinds, CommandCounts commands) {

    public WorldStatus {
        areas = List.copyOf(areas);
        rewinds = List.copyOf(rewinds);
        Objects.requireNonNull(commands, "commands");
    }

    /** Commands applied, and commands that named an entity gone by their tick and so changed nothing. */
    public record CommandCounts(long applied, long ignored) {
        public static final CommandCounts NONE = new CommandCounts(0, 0);

        public CommandCounts plus(long moreApplied, long moreIgnored) {
            return new CommandCounts(applied + moreApplied, ignored + moreIgnored);
        }
    }

    /**
     * @param active   the simulator with authority over the area
     * @param passives simulators that follow the active's state, in promotion order
     * @param entities how many entities the area held after the last tick
     * @param epoch    the epoch of the active's authority grant
     */
    public record AreaRoles(String set, int area, String active, List<String> passives, long entities, long epoch) {
        public AreaRoles {
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(active, "active");
            passives = List.copyOf(passives);
        }
    }

    /**
     * The world went back from tick {@code fromTick} (the last completed one) to the world view of {@code toTick}.
     *
     * @param reason which area was lost, and why
     */
    public record Rewind(long fromTick, long toTick, String reason) {
        public long ticksLost() {
            return fromTick - toTick;
        }
    }
}
