package org.vvmhost.services.world.service;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.services.time.ClockWaits;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.Clock;

/**
 * The watch listener only records the newest manifest; the thread reads the view it names. Changes that arrive
 * while a read runs are coalesced into one more read. A view is tagged with the manifest value seen before its read:
 * manifests only move forward, so a tag equal to the current manifest means the view is still the current one.
 */
final class ManifestWatchingPreloader implements WorldViewPreloader {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestWatchingPreloader.class);

    /** A view and the manifest value it was read for. */
    private record Preloaded(byte[] manifest, WorldView view) {
    }

    private final DataStore data;
    private final WorldViewLocation.InElection location;
    private final Clock clock;
    private final WorldViewStore reader;
    private final Thread thread;

    // Guarded by this.
    private Optional<byte[]> pendingManifest;
    private boolean changed;
    private boolean stopped;
    private Preloaded preloaded;
    private DataStore.Subscription subscription;
    /** The last read answered the newest manifest seen. */
    private boolean current;

    private ManifestWatchingPreloader(DataStore data, WorldViewLocation.InElection location, Clock clock) {
        this.data = data;
        this.location = location;
        this.clock = clock;
        this.reader = location.reader(data, clock);
        this.thread = new Thread(this::run, "world-view-preload");
    }

    static ManifestWatchingPreloader start(DataStore data, WorldViewLocation.InElection location, Clock clock) {
        ManifestWatchingPreloader preloader = new ManifestWatchingPreloader(data, location, clock);
        preloader.thread.start();
        DataStore.Subscription subscription = data.watch(location.manifestKey(), preloader::manifestChanged);
        boolean closeNow;
        synchronized (preloader) {
            closeNow = preloader.stopped;
            preloader.subscription = subscription;
        }
        if (closeNow) {
            subscription.close();
        }
        LOG.info("standby: preloading the newest world view from {}", location.description());
        return preloader;
    }

    private synchronized void manifestChanged(Optional<byte[]> manifest) {
        if (!stopped) {
            pendingManifest = manifest;
            changed = true;
            current = false;
            notifyAll();
        }
    }

    private void run() {
        while (true) {
            Optional<byte[]> manifest;
            synchronized (this) {
                while (!changed && !stopped) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                changed = false;
                manifest = pendingManifest;
            }
            if (manifest.isEmpty()) {
                synchronized (this) {
                    preloaded = null;
                    current = !changed;
                }
                continue;
            }
            // The store logs why a newer view was passed over.
            Optional<WorldView> view = reader.load().view();
            synchronized (this) {
                if (view.isPresent() && !stopped) {
                    preloaded = new Preloaded(manifest.get(), view.get());
                }
                current = view.isPresent() && !changed;
            }
            view.ifPresent(v -> LOG.info("standby: preloaded {}", v.header()));
        }
    }

    @Override
    public synchronized Optional<WorldView> latest() {
        return Optional.ofNullable(preloaded).map(Preloaded::view);
    }

    @Override
    public synchronized boolean caughtUp() {
        return current && !stopped;
    }

    @Override
    public Optional<WorldView> claim() {
        Preloaded candidate;
        synchronized (this) {
            candidate = preloaded;
        }
        stop();
        if (candidate == null) {
            return Optional.empty();
        }
        Optional<byte[]> current;
        try {
            current = ClockWaits.within(data.get(location.manifestKey()), location.timeout(), clock,
                    "reading the world view manifest").get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            LOG.warn("cannot check the preloaded world view against the manifest ({}); reading the store instead",
                    e.getCause().toString());
            return Optional.empty();
        }
        if (current.isPresent() && Arrays.equals(current.get(), candidate.manifest())) {
            return Optional.of(candidate.view());
        }
        LOG.info("the preloaded world view (tick {}) is no longer the newest; reading the store instead",
                candidate.view().tick());
        return Optional.empty();
    }

    /** Stops watching and lets the thread end, without waiting for it. */
    private void stop() {
        DataStore.Subscription toClose;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            toClose = subscription;
            notifyAll();
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    @Override
    public void close() {
        stop();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            preloaded = null;
        }
    }
}
