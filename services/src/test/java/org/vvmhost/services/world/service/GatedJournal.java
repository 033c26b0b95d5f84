package org.vvmhost.services.world.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vvmhost.services.world.journal.CommandJournal;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;

/**
 * A journal whose appends wait until the test completes them, one by one, so a test decides when a write is durable,
 * refused or lost. A completed append is kept and read back; this is the intake's own interface, not a stand-in for
 * etcd (the journal on etcd has tests of its own).
 */
final class GatedJournal implements CommandJournal {

    /** An append the test has not completed yet. */
    record Append(long tick, long firstSeq, byte[] bytes, CompletableFuture<Void> done) {
    }

    private final JournalCodec codec;
    final BlockingQueue<Append> appends = new LinkedBlockingQueue<>();
    private final List<Append> all = new ArrayList<>();
    private final List<JournalEntry> stored = new ArrayList<>();
    final List<Long> trims = new ArrayList<>();
    /** Guarded by {@code all}: set by {@link #releaseAll}, after which appends are durable at once. */
    private boolean open;

    GatedJournal(JournalCodec codec) {
        this.codec = codec;
    }

    @Override
    public JournalCodec codec() {
        return codec;
    }

    @Override
    public CompletableFuture<Void> append(long tick, long firstSeq, byte[] entry) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        done.thenRun(() -> {
            synchronized (stored) {
                stored.add(codec.decode(entry, CommandJournal.key(tick, firstSeq)));
            }
        });
        Append append = new Append(tick, firstSeq, entry, done);
        boolean durable;
        synchronized (all) {
            all.add(append);
            durable = open;
        }
        appends.add(append);
        if (durable) {
            done.complete(null);
        }
        return done;
    }

    /**
     * Makes every append not completed yet durable, and every later one at once: a test's leftovers, so that nothing
     * waits for them (the intake may start one more write as the last held one completes).
     */
    void releaseAll() {
        synchronized (all) {
            open = true;
            all.forEach(append -> append.done().complete(null));
        }
    }

    /** The next append, waited for. */
    Append next() throws InterruptedException {
        Append append = appends.poll(20, TimeUnit.SECONDS);
        if (append == null) {
            throw new AssertionError("no journal append within 20 s");
        }
        return append;
    }

    /** The next append, made durable at once. */
    Append commitNext() throws InterruptedException {
        Append append = next();
        append.done().complete(null);
        return append;
    }

    @Override
    public List<JournalEntry> readAfter(long afterTick) {
        synchronized (stored) {
            return stored.stream().filter(entry -> entry.tick() > afterTick).toList();
        }
    }

    @Override
    public void trimThrough(long tick) {
        synchronized (stored) {
            stored.removeIf(entry -> entry.tick() <= tick);
            trims.add(tick);
        }
    }
}
