package org.vvmhost.services.world.core;

/**
 * A whole world between two ticks: {@code partitions[set][area]} in the world's canonical set order, the last
 * completed tick, the id the next newborn gets, and the highest sequence number of a command applied (-1: none).
 */
public record WorldState(Partition[][] partitions, long tick, long nextEntityId, long lastCommandSeq) {
}
