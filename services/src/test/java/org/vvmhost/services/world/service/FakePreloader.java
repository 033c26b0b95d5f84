package org.vvmhost.services.world.service;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.vvmhost.services.world.WorldView;

/**
 * A preloader whose reads the test makes: {@link #read} says what the store held. It remembers what its last waiter
 * had seen, so that a test can tell when a follower has dealt with the last read (it waits for the next one).
 */
final class FakePreloader implements WorldViewPreloader {

    private StoredWorld stored = StoredWorld.UNREAD;
    private Optional<WorldView> latest = Optional.empty();
    private CompletableFuture<Void> next = new CompletableFuture<>();
    private StoredWorld lastWaitedOn;
    private int waits;

    /** A read that answered: {@code view} is the newest intact view stored, if any. */
    void read(Optional<WorldView> view) {
        CompletableFuture<Void> done;
        synchronized (this) {
            stored = new StoredWorld(true, view.map(WorldView::header), Optional.empty(), List.of());
            if (view.isPresent()) {
                latest = view;
            }
            done = next;
            next = new CompletableFuture<>();
        }
        done.complete(null);
    }

    /** How many times someone asked to wait for the next read. */
    synchronized int waits() {
        return waits;
    }

    /** Whether someone waits for the read after the last one: it has seen that one. */
    synchronized boolean waitedOnLastRead() {
        return lastWaitedOn == stored;
    }

    @Override
    public synchronized Optional<WorldView> latest() {
        return latest;
    }

    @Override
    public synchronized StoredWorld stored() {
        return stored;
    }

    @Override
    public synchronized CompletableFuture<Void> changedSince(StoredWorld seen) {
        lastWaitedOn = seen;
        waits++;
        return seen != stored ? CompletableFuture.completedFuture(null) : next.copy();
    }

    @Override
    public synchronized boolean caughtUp() {
        return stored.read();
    }

    @Override
    public synchronized Optional<WorldView> claim() {
        return latest;
    }

    @Override
    public void close() {
    }
}
