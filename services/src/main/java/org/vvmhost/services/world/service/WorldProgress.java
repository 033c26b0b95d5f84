package org.vvmhost.services.world.service;

/**
 * The world as of a progress report of the tick loop (when the world opens, then every log interval): the world hash
 * is computed only then, because it asks every simulator.
 */
public record WorldProgress(long tick, long hash, long population) {

    /** The hash as the log lines show it: 16 hexadecimal digits. */
    public String hexHash() {
        return String.format("%016x", hash);
    }
}
