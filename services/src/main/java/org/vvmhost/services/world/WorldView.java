package org.vvmhost.services.world;

import java.util.List;
import java.util.Objects;
import org.vvmhost.services.world.view.WorldViewCodec;

/**
 * A backup of the whole world after one tick: a versioned binary document whose header carries the tick, the seed,
 * the world hash and a CRC32C checksum. Make one with {@link World#snapshot()}, check one with {@link #decode},
 * and bring a world back with {@link WorldFactory#restore}.
 *
 * @param bytes the encoded document; shared, not copied (it can be tens of MB), so do not modify it
 */
public record WorldView(Header header, byte[] bytes) {

    /** Format version this code writes and reads. */
    public static final int VERSION = 1;

    public WorldView {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The layout of one component set in the body: its name and column counts. */
    public record SetLayout(String name, int floatColumns, int intColumns) {
    }

    /** What the world view holds, readable without decoding the body. */
    public record Header(int version, long tick, long seed, long worldHash, long nextEntityId, long population,
            WorldGeometry geometry, List<SetLayout> sets, int checksum) {

        public Header {
            sets = List.copyOf(sets);
        }

        @Override
        public String toString() {
            return "world view v" + version + " of tick " + tick + " (seed " + seed + ", hash "
                    + String.format("%016x", worldHash) + ", " + population + " entities)";
        }
    }

    /**
     * Checks the magic, the version, the lengths and the checksum, and reads the header.
     *
     * @throws WorldViewException saying what is wrong, if the bytes are not an intact world view
     */
    public static WorldView decode(byte[] bytes) {
        return new WorldView(WorldViewCodec.readHeader(bytes), bytes);
    }

    public long tick() {
        return header.tick();
    }

    public long worldHash() {
        return header.worldHash();
    }
}
