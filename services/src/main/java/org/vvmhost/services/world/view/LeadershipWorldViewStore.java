package org.vvmhost.services.world.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.services.time.ClockWaits;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.time.Clock;

/**
 * World views in the election's data store. Layout under the prefix:
 * <pre>
 * manifest                        JSON {current, previous}: generation, chunks, length, tick, checksum
 * g-000000000007/chunk-000000     at most chunkBytes each
 * </pre>
 * A save writes every chunk of a new generation with one fenced write each, then switches the manifest in one
 * fenced write, then deletes the generation that fell out of the manifest. A deposed leader's first write fails,
 * and the manifest never points at a half-written generation.
 */
final class LeadershipWorldViewStore implements WorldViewStore {

    private static final Logger LOG = LoggerFactory.getLogger(LeadershipWorldViewStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored generation. */
    record Entry(long generation, int chunks, long length, long tick, int checksum) {
    }

    /** What the manifest key holds; {@code previous} may be null. */
    record Manifest(Entry current, Entry previous) {
    }

    private final DataStore data;
    private final Term term;
    private final String prefix;
    private final int chunkBytes;
    private final Duration timeout;
    private final Clock clock;

    LeadershipWorldViewStore(DataStore data, Term term, String prefix, int chunkBytes, Duration timeout,
            Clock clock) {
        if (prefix == null || prefix.isBlank() || prefix.endsWith("/")) {
            throw new IllegalArgumentException("world view prefix must be a non-blank key without a trailing '/', "
                    + "got '" + prefix + "'");
        }
        if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("world view chunk size must be 1.." + MAX_CHUNK_BYTES + " bytes, got "
                    + chunkBytes);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("world view timeout must be positive, got " + timeout);
        }
        this.data = data;
        this.term = term;
        this.prefix = prefix;
        this.chunkBytes = chunkBytes;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public String description() {
        return "leadership data '" + prefix + "/'" + (term == null ? " (read only)" : "");
    }

    @Override
    public void save(WorldView view) {
        if (term == null) {
            throw new IllegalStateException("this world view store is read only: a standby holds no term");
        }
        byte[] bytes = view.bytes();
        Optional<byte[]> raw;
        try {
            raw = await(data.get(manifestKey()), "reading the world view manifest");
        } catch (WorldViewException e) {
            // Not knowing which generations are in use, a save could overwrite the current one: write nothing.
            throw new WorldViewException("the world view of tick " + view.tick() + " was not saved: "
                    + e.getMessage(), e.getCause());
        }
        Optional<Manifest> old;
        try {
            old = parseManifest(raw);
        } catch (WorldViewException e) {
            LOG.warn("The world view manifest is unreadable and will be replaced: {}", e.getMessage());
            old = Optional.empty();
        }
        long generation = old.map(m -> Math.max(m.current().generation(),
                m.previous() == null ? 0 : m.previous().generation())).orElse(0L) + 1;
        int chunks = (int) ((bytes.length + (long) chunkBytes - 1) / chunkBytes);
        // Leftovers of a save that was cut short. A write of its own: etcd refuses a transaction whose delete
        // range overlaps one of its puts ("duplicate key given in txn request").
        write(List.of(WriteOp.deletePrefix(generationPrefix(generation))), view, "the removal of leftovers");
        for (int i = 0; i < chunks; i++) {
            int from = i * chunkBytes;
            byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkBytes));
            write(List.of(WriteOp.put(chunkKey(generation, i), chunk)), view, "chunk " + (i + 1) + " of " + chunks);
        }
        Entry entry = new Entry(generation, chunks, bytes.length, view.tick(), view.header().checksum());
        Manifest manifest = new Manifest(entry, old.map(Manifest::current).orElse(null));
        write(List.of(WriteOp.put(manifestKey(), encode(manifest))), view, "the manifest switch");
        if (old.isPresent() && old.get().previous() != null) {
            long dropped = old.get().previous().generation();
            try {
                write(List.of(WriteOp.deletePrefix(generationPrefix(dropped))), view, "the removal of generation "
                        + dropped);
            } catch (WorldViewException e) {
                // The new view is saved; an old generation left behind is only wasted space, removed next time.
                LOG.warn("Saved the world view of tick {}, but could not delete an old one: {}", view.tick(),
                        e.getMessage());
            }
        }
        LOG.debug("Saved {} as generation {} in {} chunks", view.header(), generation, chunks);
    }

    @Override
    public LoadResult load() {
        List<WorldViewException> rejected = new ArrayList<>();
        Optional<Manifest> manifest;
        try {
            manifest = readManifest();
        } catch (WorldViewException e) {
            rejected.add(e);
            LOG.error("World view manifest is unusable: {}", e.getMessage());
            return new LoadResult(Optional.empty(), rejected);
        }
        if (manifest.isEmpty()) {
            return new LoadResult(Optional.empty(), rejected);
        }
        for (Entry entry : new Entry[] {manifest.get().current(), manifest.get().previous()}) {
            if (entry == null) {
                continue;
            }
            try {
                WorldView view = read(entry);
                if (!rejected.isEmpty()) {
                    LOG.error("Using the previous good world view, generation {} ({})", entry.generation(),
                            view.header());
                }
                return new LoadResult(Optional.of(view), rejected);
            } catch (WorldViewException e) {
                rejected.add(e);
                LOG.error("World view generation {} is unusable: {}", entry.generation(), e.getMessage());
            }
        }
        return new LoadResult(Optional.empty(), rejected);
    }

    /**
     * Reads the chunks one key each, all requests in flight at once: one scan of the generation would come back as
     * one gRPC message, and the etcd client refuses messages above 4 MiB.
     */
    private WorldView read(Entry entry) {
        String where = "world view generation " + entry.generation() + " (tick " + entry.tick() + ")";
        List<CompletableFuture<Optional<byte[]>>> requests = new ArrayList<>();
        for (int i = 0; i < entry.chunks(); i++) {
            requests.add(data.get(chunkKey(entry.generation(), i)));
        }
        List<byte[]> chunks = new ArrayList<>();
        long length = 0;
        for (int i = 0; i < requests.size(); i++) {
            Optional<byte[]> chunk = await(requests.get(i), "reading " + where + ", chunk " + (i + 1) + " of "
                    + entry.chunks());
            if (chunk.isEmpty()) {
                requests.forEach(request -> request.cancel(true));
                throw new WorldViewException(where + " lacks chunk " + (i + 1) + " of " + entry.chunks()
                        + " that the manifest names");
            }
            chunks.add(chunk.get());
            length += chunk.get().length;
        }
        if (length != entry.length()) {
            throw new WorldViewException(where + " has " + length + " bytes, the manifest says " + entry.length());
        }
        byte[] bytes = new byte[Math.toIntExact(length)];
        int offset = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, bytes, offset, chunk.length);
            offset += chunk.length;
        }
        try {
            return WorldView.decode(bytes);
        } catch (WorldViewException e) {
            throw new WorldViewException(where + ": " + e.getMessage(), e);
        }
    }

    private Optional<Manifest> readManifest() {
        return parseManifest(await(data.get(manifestKey()), "reading the world view manifest"));
    }

    private Optional<Manifest> parseManifest(Optional<byte[]> raw) {
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            Manifest manifest = JSON.readValue(raw.get(), Manifest.class);
            if (manifest.current() == null) {
                throw new WorldViewException("world view manifest " + manifestKey() + " names no current view");
            }
            return Optional.of(manifest);
        } catch (IOException e) {
            throw new WorldViewException("world view manifest " + manifestKey() + " is not valid JSON: "
                    + e.getMessage(), e);
        }
    }

    private void write(List<WriteOp> ops, WorldView view, String what) {
        try {
            await(term.write(ops), what);
        } catch (WorldViewException e) {
            if (e.getCause() instanceof FencedWriteRejectedException rejected) {
                throw new WorldViewException("the world view of tick " + view.tick() + " was not saved: the term "
                        + "with fencing token " + rejected.fencingToken() + " no longer leads (" + what + ")",
                        rejected);
            }
            throw new WorldViewException("the world view of tick " + view.tick() + " was not saved: "
                    + e.getMessage(), e.getCause());
        }
    }

    /**
     * The outcome of {@code future}: past the timeout on the clock the future fails and is abandoned, and it is
     * abandoned at once when the term is lost: nothing waits on etcd after that (the fence would refuse the write
     * anyway), so a deposed leader stops at once.
     */
    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            ClockWaits.within(future, timeout, clock, what);
            CompletableFuture<?> lost = term == null ? new CompletableFuture<>() : term.lost();
            CompletableFuture.anyOf(future, lost).get();
            if (!future.isDone()) {
                future.cancel(true);
                LeadershipLostException reason = term.lost().join();
                throw new WorldViewException(what + " was abandoned: leadership was lost (" + reason.getMessage()
                        + ")", reason);
            }
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new WorldViewException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException timedOut) {
                throw new WorldViewException(what + " took longer than " + timeout.toMillis() + " ms", timedOut);
            }
            throw new WorldViewException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static byte[] encode(Manifest manifest) {
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the world view manifest", e);
        }
    }

    private String manifestKey() {
        return prefix + "/manifest";
    }

    private String generationPrefix(long generation) {
        return String.format("%s/g-%012d/", prefix, generation);
    }

    private String chunkKey(long generation, int index) {
        return generationPrefix(generation) + String.format("chunk-%06d", index);
    }
}
