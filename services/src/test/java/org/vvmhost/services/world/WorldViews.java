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

    /** Rewrites the checksum after a deliberate change, so that only deeper checks can catch it. */
    public static byte[] resealed(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 12, bytes.length - 12);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) crc.getValue());
        return bytes;
    }
}
