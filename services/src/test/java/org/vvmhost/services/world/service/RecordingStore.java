package org.vvmhost.services.world.service;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.view.WorldViewStore;

/** A real store, with every saved view queued and loads counted, for the test to follow. */
final class RecordingStore implements WorldViewStore {

    private final WorldViewStore store;
    final BlockingQueue<WorldView> saved = new LinkedBlockingQueue<>();
    final AtomicInteger loads = new AtomicInteger();

    RecordingStore(WorldViewStore store) {
        this.store = store;
    }

    @Override
    public String description() {
        return store.description();
    }

    @Override
    public void save(WorldView view) {
        store.save(view);
        saved.add(view);
    }

    @Override
    public LoadResult load() {
        loads.incrementAndGet();
        return store.load();
    }
}
