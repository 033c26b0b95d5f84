package org.vvmhost.services.world.service;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.time.Clock;

/**
 * Runs while this process is a standby: it watches the world view manifest in the election's data and reads and
 * checks the newest world view ahead of time, so that a takeover does not wait on the read. It keeps the newest view
 * it read even when the store loses it (etcd wiped, or restored from an older snapshot): a new leader may then
 * restore that copy. The host starts it before the VVM campaigns and closes it once the VVM has shut down.
 */
public interface WorldViewPreloader extends AutoCloseable {

    /**
     * Starts watching {@code location}'s manifest in {@code data}; reads happen on one named thread,
     * {@code world-view-preload}; reads time out on {@code clock}, and one that fails is tried again.
     */
    static WorldViewPreloader start(DataStore data, WorldViewLocation.InElection location, Clock clock) {
        return ManifestWatchingPreloader.start(data, location, clock);
    }

    /**
     * What the store held at the last read.
     *
     * @param read     whether a read has answered yet; until then nothing is known of the store
     * @param newest   the header of the newest intact view stored, if any
     * @param damage   why the manifest could not be used, if it could not (the view was found without it)
     * @param rejected why newer views were passed over
     */
    record StoredWorld(boolean read, Optional<WorldView.Header> newest, Optional<String> damage,
                       List<String> rejected) {
        public static final StoredWorld UNREAD = new StoredWorld(false, Optional.empty(), Optional.empty(), List.of());
        /** Read, and nothing is stored. */
        public static final StoredWorld EMPTY = new StoredWorld(true, Optional.empty(), Optional.empty(), List.of());

        public StoredWorld {
            Objects.requireNonNull(newest, "newest");
            Objects.requireNonNull(damage, "damage");
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * The newest view read so far, if any: also after the store lost it, so that a new leader can restore it; never
     * an older one than read before.
     */
    Optional<WorldView> latest();

    /** What the store held at the last read that answered. */
    StoredWorld stored();

    /**
     * Completes once {@link #stored()} is no longer {@code seen} (at once if it is not already), so that a caller
     * waits for the next read instead of polling.
     */
    CompletableFuture<Void> changedSince(StoredWorld seen);

    /**
     * Whether a takeover now would find its view read: the view the manifest names was read and checked, or there is
     * no manifest. False before the first answer, while a newer view is being read, and after a read that found no
     * intact view.
     */
    boolean caughtUp();

    /**
     * For a new leader: stops preloading (a leader writes the views itself), and hands over the preloaded view if
     * the manifest still names the one it was read for. Empty if nothing was preloaded or the manifest moved on:
     * then read the store, and compare with {@link #latest()}.
     */
    Optional<WorldView> claim();

    /** Stops watching and joins the thread. Idempotent. */
    @Override
    void close();
}
