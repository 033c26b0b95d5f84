package org.vvmhost.services.world;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** Test helpers: small worlds' views, and tampering that keeps the checksum valid. */
public final class WorldViews {

    private WorldViews() {
    }

    public static WorldConfig config(int entities) {
        return WorldConfig.defaults().withEntities(entities);
    }

    public static WorldView viewAt(int entities, long tick) {
        try (World world = TestWorlds.create(config(entities), ComponentSetRegistry.builtIn(), 1)) {
            TestWorlds.advanceTo(world, tick);
            return world.snapshot();
        }
    }

    /**
     * The same view in format version 1, as written before commands existed: without the two header fields that
     * version 2 added after the population (the config's entity count and the last command applied).
     */
    public static byte[] asVersionOne(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = in.getInt(12);
        int dropped = 2 * Long.BYTES;
        int cut = 16 + 5 * Long.BYTES;
        byte[] old = new byte[bytes.length - dropped];
        System.arraycopy(bytes, 0, old, 0, cut);
        System.arraycopy(bytes, cut + dropped, old, cut, bytes.length - cut - dropped);
        ByteBuffer out = ByteBuffer.wrap(old).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort(4, (short) 1);
        out.putInt(12, headerLength - dropped);
        return resealed(old);
    }

    /** Rewrites the checksum after a deliberate change, so that only deeper checks can catch it. */
    public static byte[] resealed(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 12, bytes.length - 12);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) crc.getValue());
        return bytes;
    }
}
