package org.vvmhost.services.world;

import java.util.List;

/**
 * Where a world gets the commands of the tick it is about to compute. It asks once per tick it computes, and again if
 * it rewinds and computes a tick a second time: the answer for a tick must not change.
 */
@FunctionalInterface
public interface CommandSource {

    /** No commands at all. */
    CommandSource NONE = tick -> List.of();

    /** The commands of {@code tick}, in any order (the world applies them by sequence number). */
    List<SequencedCommand> commandsOf(long tick);
}
