package org.vvmhost.services.world.service;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.services.time.Joins;
import org.vvmhost.services.time.Timers;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.Clock;

/**
 * The watch listener only records the newest manifest; the thread reads the store. Changes that arrive while a read
 * runs are coalesced into one more read, and a read that fails is tried again after {@link #RETRY}. A view is tagged
 * with the manifest value seen before its read: manifests only move forward, so a tag equal to the current manifest
 * means the view is still the current one.
 */
final class ManifestWatchingPreloader implements WorldViewPreloader {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestWatchingPreloader.class);
    static final Duration RETRY = Duration.ofSeconds(1);

    /** A view and the manifest value it was read for (null when it was found without a usable manifest). */
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
    private Clock.Scheduled retry;
    /** The last read answered the newest manifest seen. */
    private boolean current;
    private StoredWorld stored = StoredWorld.UNREAD;
    /** Completed, and replaced, when {@link #stored} changes. */
    private CompletableFuture<Void> storedChanged = new CompletableFuture<>();

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

    private synchronized void readAgain() {
        if (!stopped) {
            changed = true;
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
            WorldViewStore.LoadResult result;
            try {
                // The store logs why a newer view, or the manifest, was passed over.
                result = reader.load();
            } catch (WorldViewException e) {
                LOG.warn("standby: cannot read the world views ({}); trying again in {} ms", e.getMessage(),
                        RETRY.toMillis());
                synchronized (this) {
                    current = false;
                    if (!stopped) {
                        retry = clock.schedule(RETRY, this::readAgain);
                    }
                }
                continue;
            }
            Optional<WorldView> view = result.view();
            CompletableFuture<Void> toComplete;
            Preloaded kept;
            synchronized (this) {
                kept = preloaded;
                if (view.isPresent() && !stopped && (kept == null || view.get().tick() >= kept.view().tick()
                        || !sameWorld(view.get().header(), kept.view().header()))) {
                    // A view found without a usable manifest is not handed over as current: the new leader reads the
                    // store, says what was damaged, and writes the view back with a new manifest.
                    preloaded = new Preloaded(result.damage().isEmpty() ? manifest.orElse(null) : null, view.get());
                }
                current = !changed && (view.isPresent() || result.damage().isEmpty() && result.rejected().isEmpty());
                stored = new StoredWorld(true, view.map(WorldView::header), result.damage(),
                        result.rejected().stream().map(WorldViewException::getMessage).toList());
                toComplete = storedChanged;
                storedChanged = new CompletableFuture<>();
            }
            toComplete.complete(null);
            if (view.isPresent() && kept != null && view.get().tick() < kept.view().tick()
                    && sameWorld(view.get().header(), kept.view().header())) {
                LOG.warn("standby: the newest world view stored is of tick {}, older than the one this standby holds "
                        + "(tick {}): the store went back (etcd restored from an older snapshot?); keeping the newer "
                        + "one", view.get().tick(), kept.view().tick());
            } else {
                view.ifPresent(v -> LOG.info("standby: preloaded {}", v.header()));
            }
        }
    }

    /** Views of one world: a newer tick of it replaces an older one, and a view of another world replaces any. */
    private static boolean sameWorld(WorldView.Header a, WorldView.Header b) {
        return a.seed() == b.seed() && a.geometry().equals(b.geometry()) && a.sets().equals(b.sets());
    }

    @Override
    public synchronized Optional<WorldView> latest() {
        return Optional.ofNullable(preloaded).map(Preloaded::view);
    }

    @Override
    public synchronized StoredWorld stored() {
        return stored;
    }

    @Override
    public synchronized CompletableFuture<Void> changedSince(StoredWorld seen) {
        return stored != seen ? CompletableFuture.completedFuture(null) : storedChanged.copy();
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
        if (candidate == null || candidate.manifest() == null) {
            return Optional.empty();
        }
        Optional<byte[]> manifest;
        try {
            manifest = clock.orTimeout(data.get(location.manifestKey()), location.timeout(),
                    "reading the world view manifest").get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            LOG.warn("cannot check the preloaded world view against the manifest ({}); reading the store instead",
                    e.getCause().toString());
            return Optional.empty();
        }
        if (manifest.isPresent() && Arrays.equals(manifest.get(), candidate.manifest())) {
            return Optional.of(candidate.view());
        }
        LOG.info("the preloaded world view (tick {}) is not the one the manifest names; reading the store instead",
                candidate.view().tick());
        return Optional.empty();
    }

    /** Stops watching and lets the thread end, without waiting for it. */
    private void stop() {
        DataStore.Subscription toClose;
        Clock.Scheduled timer;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            toClose = subscription;
            timer = retry;
            notifyAll();
        }
        Timers.cancel(timer);
        if (toClose != null) {
            toClose.close();
        }
    }

    @Override
    public void close() {
        stop();
        Joins.uninterruptibly(thread);
        synchronized (this) {
            preloaded = null;
        }
    }
}
