package org.vvmhost.services.world.service;

import java.util.List;
import java.util.Objects;
import org.vvmhost.services.world.WorldStatus;

/**
 * A small picture of the world that the tick loop publishes at an interval, for the live stream and the inspector:
 * built between two ticks, immutable, so readers never touch the world.
 *
 * @param hash          the world hash at {@code tick}, 16 hexadecimal digits
 * @param tickRate      ticks per second over the last interval
 * @param tickMillis    the mean and the longest tick time over the last interval
 * @param areas         every area, row by row
 * @param sample        a few entities of each area, with their position (when the world has physics)
 * @param epochMillis   wall time of the summary, for display
 */
public record WorldSummary(long tick, String hash, long population, long nextEntityId, long lastCommandSeq,
                           double tickRate, double tickMillis, double maxTickMillis, List<AreaSummary> areas,
                           List<EntityDot> sample, WorldStatus.CommandCounts commands, long epochMillis) {

    public WorldSummary {
        Objects.requireNonNull(hash, "hash");
        areas = List.copyOf(areas);
        sample = List.copyOf(sample);
        Objects.requireNonNull(commands, "commands");
    }

    /** One area: where it is in the grid, how many entities it holds, and who simulates it in each set. */
    public record AreaSummary(int area, int row, int col, long entities, List<Owner> sets) {
        public AreaSummary {
            sets = List.copyOf(sets);
        }
    }

    /** The active simulator of one set in one area, its passives, and the epoch of its grant. */
    public record Owner(String set, String active, List<String> passives, long epoch) {
        public Owner {
            passives = List.copyOf(passives);
        }
    }

    /** An entity as a dot on the map. */
    public record EntityDot(long id, int area, float x, float y) {
    }

    /** One point of the tick-rate and tick-time chart. */
    public record Point(long epochMillis, long tick, double tickRate, double tickMillis, double maxTickMillis) {
    }
}
