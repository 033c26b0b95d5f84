package org.vvmhost.services.world.service;

import java.util.Optional;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.time.Clock;

/**
 * Runs while this process is a standby: it watches the world view manifest in the election's data and reads and
 * checks the newest world view ahead of time, so that a takeover does not wait on the read. The host owns it: it
 * starts it before the VVM launches and closes it at exit.
 */
public interface WorldViewPreloader extends AutoCloseable {

    /**
     * Starts watching {@code location}'s manifest in {@code data}; reads happen on one named thread,
     * {@code world-view-preload}; reads time out on {@code clock}.
     */
    static WorldViewPreloader start(DataStore data, WorldViewLocation.InElection location, Clock clock) {
        return ManifestWatchingPreloader.start(data, location, clock);
    }

    /** The newest view read so far, if any. */
    Optional<WorldView> latest();

    /**
     * Whether a takeover now would find its view read: the view the manifest names was read and checked, or there is
     * no manifest. False before the first answer, while a newer view is being read, and after a read that found no
     * intact view.
     */
    boolean caughtUp();

    /**
     * For a new leader: stops preloading (a leader writes the views itself), and hands over the preloaded view if
     * the manifest still names the one it was read for. Empty if nothing was preloaded or the manifest moved on:
     * then read the store.
     */
    Optional<WorldView> claim();

    /** Stops watching and joins the thread. Idempotent. */
    @Override
    void close();
}
