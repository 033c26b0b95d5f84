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

    /** Format version this code writes; it reads this one and {@link #FIRST_VERSION} on. */
    public static final int VERSION = 2;

    /** The oldest format version this code reads: views written before commands existed. */
    public static final int FIRST_VERSION = 1;

    public WorldView {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The layout of one component set in the body: its name and column counts. */
    public record SetLayout(String name, int floatColumns, int intColumns) {
    }

    /**
     * What the world view holds, readable without decoding the body.
     *
     * @param population     how many entities the view holds
     * @param entities       the config's initial entity count ({@code world.entities}), which a restore checks
     * @param lastCommandSeq the journal position the view includes: the highest sequence number of a command applied
     *                       by its tick; -1 if none (and in version 1 views, written before commands existed)
     */
    public record Header(int version, long tick, long seed, long worldHash, long nextEntityId, long population,
            long entities, long lastCommandSeq, WorldGeometry geometry, List<SetLayout> sets, int checksum) {

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
