package org.vvmhost.services.world.journal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldStatus;

/**
 * The reference a failover is measured against: the world of a config after tick N is a function of the config, the
 * journal and N, so running it from tick 0 on one thread with the journal's commands gives the hash every leader
 * must have had at N, whoever led when.
 */
public final class JournalReplay {

    private JournalReplay() {
    }

    /** The world at {@code tick}, and what was applied on the way. */
    public record Replayed(long tick, long hash, long population, long nextEntityId, long lastCommandSeq,
                           WorldStatus.CommandCounts commands) {

        public String hexHash() {
            return String.format("%016x", hash);
        }
    }

    /**
     * Runs the world of {@code config} from tick 0 to {@code tick}, applying the commands of {@code entries}.
     *
     * @throws JournalException if two entries hold the same sequence number: a journal holds each command once
     */
    public static Replayed replay(WorldConfig config, ComponentSetRegistry sets, List<JournalEntry> entries,
            long tick) {
        CommandSource source = source(entries);
        try (World world = WorldFactory.of(sets, WorldRuntime.threads(1)).create(config)) {
            while (world.tick() < tick) {
                world.step(source);
            }
            return new Replayed(world.tick(), world.hash(), world.population(), world.nextEntityId(),
                    world.lastCommandSeq(), world.status().commands());
        }
    }

    /** The commands of {@code entries}, tick by tick. */
    public static CommandSource source(List<JournalEntry> entries) {
        Map<Long, List<SequencedCommand>> byTick = new TreeMap<>();
        Set<Long> seen = new HashSet<>();
        for (JournalEntry entry : entries) {
            for (SequencedCommand command : entry.commands()) {
                if (!seen.add(command.seq())) {
                    throw new JournalException("sequence number " + command.seq() + " is in the journal twice");
                }
                byTick.computeIfAbsent(entry.tick(), t -> new ArrayList<>()).add(command);
            }
        }
        return tick -> byTick.getOrDefault(tick, List.of());
    }
}
