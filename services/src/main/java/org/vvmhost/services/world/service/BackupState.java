package org.vvmhost.services.world.service;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.services.world.WorldView;

/**
 * Where the world's backups stand, for health checks: a crash now would lose the ticks after {@code sinceTick}.
 *
 * @param newest      the newest world view: the last one this service saved, or the one it restored; empty for a
 *                    fresh world that has not saved one yet
 * @param sinceTick   the tick a successor would restore: the newest view's, or the tick a fresh world started from
 * @param sinceNanos  when this service saved or restored that view (or started), on its clock's {@code nanoTime()}
 * @param lastFailure the last save that failed after {@code newest}; empty again once a later save succeeds
 * @param recovery    for this term: how the store was found damaged or empty when the world was restored, and what
 *                    was done; empty when the manifest named the view restored, or nothing was ever stored
 */
public record BackupState(Optional<SavedView> newest, long sinceTick, long sinceNanos,
                          Optional<FailedSave> lastFailure, Optional<String> recovery) {

    public BackupState {
        Objects.requireNonNull(newest, "newest");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(recovery, "recovery");
    }

    public BackupState(Optional<SavedView> newest, long sinceTick, long sinceNanos, Optional<FailedSave> lastFailure) {
        this(newest, sinceTick, sinceNanos, lastFailure, Optional.empty());
    }

    /** A world view in the store; {@code writeTime} is zero for one that was restored rather than saved. */
    public record SavedView(WorldView.Header header, long bytes, Duration writeTime, boolean restored) {
        public SavedView {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(writeTime, "writeTime");
        }
    }

    /**
     * A save that failed.
     *
     * @param reason  {@code fenced}, {@code timeout}, {@code unavailable}, {@code io} or {@code other}
     * @param atNanos when it failed, on the service clock's {@code nanoTime()}
     */
    public record FailedSave(long tick, String reason, String message, long atNanos) {
        public FailedSave {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
