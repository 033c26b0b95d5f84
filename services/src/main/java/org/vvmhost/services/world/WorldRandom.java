package org.vvmhost.services.world;

/**
 * Stateless randomness for component sets. A value depends only on its inputs (typically seed, entity id and
 * tick), never on the order in which entities are visited, so a tick gives the same result whichever simulator
 * runs it and however the areas are split.
 */
public final class WorldRandom {

    private WorldRandom() {
    }

    /** A well-mixed 64-bit value of three inputs (SplitMix64's finaliser applied in a chain). */
    public static long mix(long a, long b, long c) {
        return fmix(fmix(fmix(a) ^ b) ^ c);
    }

    /** A float in [0, 1) from the top 24 bits of {@code bits}. */
    public static float unitFloat(long bits) {
        return (bits >>> 40) * 0x1.0p-24f;
    }

    /** SplitMix64's finaliser. */
    public static long fmix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
