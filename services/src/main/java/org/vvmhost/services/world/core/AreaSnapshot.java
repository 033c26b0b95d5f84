package org.vvmhost.services.world.core;

import java.util.Objects;

/**
 * The full state of one component set in one area after {@code tick}, as its active simulator held it under
 * authority {@code epoch}. A passive starts from one and gets one again now and then (between, it follows {@link
 * AreaDelta}s); a migration starts with one.
 *
 * @param bytes the encoded rows; shared, not copied, so do not modify them
 */
public record AreaSnapshot(String set, int area, long tick, long epoch, byte[] bytes) {

    public AreaSnapshot {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(bytes, "bytes");
    }
}
