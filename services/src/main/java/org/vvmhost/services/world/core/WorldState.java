package org.vvmhost.services.world.core;

/**
 * A whole world between two ticks: {@code partitions[set][area]} in the world's canonical set order, the last
 * completed tick, and the id the next newborn gets.
 */
public record WorldState(Partition[][] partitions, long tick, long nextEntityId) {
}
