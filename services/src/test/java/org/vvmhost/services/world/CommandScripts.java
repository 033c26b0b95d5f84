package org.vvmhost.services.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test helpers: a command source that is a pure function of the tick, so that two runs fed it are fed the same
 * journal. Its commands name entities by arithmetic on the tick, so some name entities that died: those are ignored.
 */
public final class CommandScripts {

    private CommandScripts() {
    }

    /** Every tick: a spawn, a damage, a heal, a velocity, an impulse, and every third tick a despawn. */
    public static CommandSource busy(long entityRange) {
        return tick -> {
            List<SequencedCommand> commands = new ArrayList<>();
            long seq = tick * 10;
            commands.add(new SequencedCommand(seq + 4, new WorldCommand.Spawn(37.5 * (tick % 26), 950 - tick % 900,
                    tick % 2 == 0 ? Map.of("physics", Map.of("vx", 3.0, "vy", -1.5)) : Map.of())));
            commands.add(new SequencedCommand(seq + 1, onEntity("damage", (tick * 37) % entityRange,
                    Map.of("amount", 30.0))));
            commands.add(new SequencedCommand(seq + 2, onEntity("heal", (tick * 53) % entityRange,
                    Map.of("amount", 5.0))));
            commands.add(new SequencedCommand(seq, onEntity("set-velocity", (tick * 11) % entityRange,
                    Map.of("vx", -4.0, "vy", 2.25))));
            commands.add(new SequencedCommand(seq + 3, onEntity("impulse", (tick * 13) % entityRange,
                    Map.of("dvx", 1.0, "dvy", 1.0))));
            if (tick % 3 == 0) {
                commands.add(new SequencedCommand(seq + 5, new WorldCommand.Despawn((tick * 29) % entityRange)));
            }
            return commands;
        };
    }

    public static WorldCommand.OnEntity onEntity(String kind, long entity, Map<String, Double> fields) {
        return new WorldCommand.OnEntity(kind, entity, fields);
    }

    /** Steps until the world's tick is {@code tick}, with the commands of {@code source}. */
    public static void advanceTo(World world, long tick, CommandSource source) {
        while (world.tick() < tick) {
            world.step(source);
        }
    }
}
