package org.vvmhost.services.world.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.time.Clock;

/**
 * {@link CommandJournal} in the election's data; values are read one key each, all requests in flight at once, and
 * every wait is bounded on the clock ({@code timeout} each). Holds no state of its own.
 */
record ElectionCommandJournal(DataStore data, Term term, JournalCodec codec, Duration timeout, Clock clock)
        implements CommandJournal {

    @Override
    public CompletableFuture<Void> append(long tick, long firstSeq, byte[] entry) {
        if (entry.length > MAX_ENTRY_BYTES) {
            throw new IllegalArgumentException("a journal entry of " + entry.length + " bytes is above the limit of "
                    + MAX_ENTRY_BYTES);
        }
        return term.write(List.of(WriteOp.put(CommandJournal.key(tick, firstSeq), entry)));
    }

    @Override
    public List<JournalEntry> readAfter(long afterTick) {
        return join(readAfterAsync(afterTick), "reading the command journal");
    }

    @Override
    public CompletableFuture<List<JournalEntry>> readAfterAsync(long afterTick) {
        return within(data.keys(PREFIX), "listing the command journal").thenCompose(keys -> {
            List<String> wanted = new ArrayList<>();
            for (String key : keys) {
                if (tickOf(key) > afterTick) {
                    wanted.add(key);
                }
            }
            List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>();
            wanted.forEach(key -> reads.add(within(data.get(key), "reading journal entry " + key)));
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                    .thenApply(all -> decode(wanted, reads));
        });
    }

    private List<JournalEntry> decode(List<String> keys, List<CompletableFuture<Optional<byte[]>>> reads) {
        List<JournalEntry> entries = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            Optional<byte[]> value = reads.get(i).join();
            if (value.isEmpty()) {
                // Trimmed between the listing and the read: it was older than a saved view, so not needed.
                continue;
            }
            JournalEntry entry = codec.decode(value.get(), "journal entry " + key);
            if (entry.tick() != tickOf(key) || entry.firstSeq() != seqOf(key)) {
                throw new JournalException("journal entry " + key + " holds tick " + entry.tick() + " from sequence "
                        + entry.firstSeq() + ", not what its key names");
            }
            entries.add(entry);
        }
        return entries;
    }

    /** {@code future}, failed with a {@link JournalException} that names {@code what} if it fails or is late. */
    private <T> CompletableFuture<T> within(CompletableFuture<T> future, String what) {
        return clock.orTimeout(future, timeout, what).handle((value, failure) -> {
            if (failure == null) {
                return value;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                throw new JournalException(what + " took longer than " + timeout.toMillis() + " ms", cause);
            }
            throw new JournalException(what + " failed: " + cause.getMessage(), cause);
        });
    }

    @Override
    public void trimThrough(long tick) {
        if (tick < 1) {
            return;
        }
        String what = "trimming the command journal through tick " + tick;
        join(within(term.write(List.of(WriteOp.deleteRange(PREFIX, CommandJournal.key(tick + 1, 0)))), what), what);
    }

    private static long tickOf(String key) {
        return parse(key, PREFIX.length(), PREFIX.length() + 16);
    }

    private static long seqOf(String key) {
        return parse(key, PREFIX.length() + 17, PREFIX.length() + 33);
    }

    private static long parse(String key, int from, int to) {
        try {
            return Long.parseLong(key.substring(from, to));
        } catch (RuntimeException e) {
            throw new JournalException("'" + key + "' is not a journal key (" + PREFIX + "<tick>/<sequence>)", e);
        }
    }

    /** The outcome of {@code future}, whose failures {@link #within} made journal exceptions. */
    private static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JournalException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof JournalException failure ? failure
                    : new JournalException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
