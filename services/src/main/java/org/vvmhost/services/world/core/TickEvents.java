package org.vvmhost.services.world.core;

/**
 * What one simulator's areas reported during a tick: moves and deaths, applied later at the boundary. Index
 * {@code i} of the moved arrays is one move, of the dead arrays one death.
 *
 * @param setIndex the reporting simulator's set, in the world's canonical set order
 */
public record TickEvents(int setIndex, long[] movedIds, int[] movedFrom, int[] movedTo, long[] deadIds,
                         int[] deadAreas) {
}
