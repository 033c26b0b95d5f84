package org.vvmhost.services.world;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** Test helpers: small worlds' views, and tampering that keeps the checksum valid. */
final class WorldViews {

    private WorldViews() {
    }

    static WorldConfig config(int entities) {
        return WorldConfig.defaults().withEntities(entities);
    }

    static WorldView viewAt(int entities, long tick) {
        try (World world = World.create(config(entities), ComponentSetRegistry.builtIn(), 1)) {
            world.advanceTo(tick);
            return world.snapshot();
        }
    }

    /** Rewrites the checksum after a deliberate change, so that only deeper checks can catch it. */
    static byte[] resealed(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 12, bytes.length - 12);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) crc.getValue());
        return bytes;
    }
}
