package org.vvmhost.services.world.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.time.Clock;

/**
 * World views in the election's data store. Layout under the prefix:
 * <pre>
 * manifest                        JSON {current, previous}: generation, chunks, length, tick, checksum
 * g-000000000007/chunk-000000     the view's bytes, at most chunkBytes each
 * g-000000000007/header           JSON, written after the last chunk: layout, generation, tick, length, the view's
 *                                 checksum and each chunk's CRC32C
 * </pre>
 * A save writes every chunk of a new generation with one fenced write each, all in flight at once, then the
 * generation's header and the manifest switch (with the removal of generations no longer kept) in one fenced write; a
 * view of one chunk goes in that write too. A deposed leader's writes fail, and the manifest never points at a
 * half-written generation.
 *
 * <p>The manifest and the chunks are laid out as before the header existed, so that every build reads every
 * generation; the header makes a generation checkable without the manifest (each chunk against its CRC32C, and a
 * header present means every chunk was written). A generation without one (written before headers, or cut short) is
 * checked whole, by the view's own lengths and checksum.
 *
 * <p>Damage: when the manifest is unreadable or missing, or names no intact generation, the reader falls back to the
 * newest intact generation under the prefix. A save never deletes a generation while the manifest is unusable; it
 * deletes only once the manifest names this store's own last save, and then keeps the two newest.
 */
final class LeadershipWorldViewStore implements WorldViewStore {

    private static final Logger LOG = LoggerFactory.getLogger(LeadershipWorldViewStore.class);
    /** Tolerant of fields it does not know: a later layout may add some. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** The layout of {@link GenerationHeader} this code writes and checks. */
    static final int HEADER_LAYOUT = 1;
    /**
     * Old generations dropped by one save, oldest first; the rest go with the next saves. The switch's write holds
     * them, and etcd refuses a transaction of more than 128 operations (its default {@code --max-txn-ops}).
     */
    static final int DROPPED_PER_SAVE = 64;
    private static final Pattern GENERATION_KEY = Pattern.compile("/g-(\\d{12})/(header|chunk-(\\d{6}))$");

    /** One stored generation, as the manifest names it. */
    record Entry(long generation, int chunks, long length, long tick, int checksum) {
    }

    /** What the manifest key holds; {@code previous} may be null. */
    record Manifest(Entry current, Entry previous) {
    }

    /**
     * What {@code g-N/header} holds: the generation described on its own, so that it can be found and checked without
     * the manifest.
     *
     * @param layout         {@link #HEADER_LAYOUT}; a reader that does not know the layout checks the chunks whole
     * @param checksum       the view's own CRC32C (its header's)
     * @param chunkChecksums CRC32C of each chunk, in order
     */
    record GenerationHeader(int layout, long generation, long tick, long length, int checksum,
                            List<Integer> chunkChecksums) {
        Entry entry() {
            return new Entry(generation, chunkChecksums.size(), length, tick, checksum);
        }
    }

    /** The keys under the prefix, and how a view is cut into chunks of at most {@code chunkBytes}. */
    private record Layout(String prefix, int chunkBytes) {
        Layout {
            if (prefix == null || prefix.isBlank() || prefix.endsWith("/")) {
                throw new IllegalArgumentException("world view prefix must be a non-blank key without a trailing '/', "
                        + "got '" + prefix + "'");
            }
            if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
                throw new IllegalArgumentException("world view chunk size must be 1.." + MAX_CHUNK_BYTES
                        + " bytes, got " + chunkBytes);
            }
        }

        int chunks(byte[] bytes) {
            return (int) ((bytes.length + (long) chunkBytes - 1) / chunkBytes);
        }

        byte[] chunk(byte[] bytes, int index) {
            int from = index * chunkBytes;
            return Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkBytes));
        }

        String manifestKey() {
            return prefix + "/manifest";
        }

        /** What the keys of every generation start with. */
        String generationsPrefix() {
            return prefix + "/g-";
        }

        String generationPrefix(long generation) {
            return String.format("%s/g-%012d/", prefix, generation);
        }

        String chunkKey(long generation, int index) {
            return generationPrefix(generation) + String.format("chunk-%06d", index);
        }

        String headerKey(long generation) {
            return generationPrefix(generation) + "header";
        }
    }

    /** The keys of one generation found by a listing. */
    private record Listed(long generation, boolean header, SortedSet<Integer> chunks) {
    }

    /** A view that is corrupt, incomplete or not a view: a reason to try an older one, unlike a failed read. */
    private static final class Unusable extends WorldViewException {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }

        Unusable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final DataStore data;
    private final Term term;
    private final Layout layout;
    private final Duration timeout;
    private final Clock clock;
    /** The intact generation the last load returned, for the manifest a save writes over an unusable one. */
    private volatile Entry loaded;
    /** The generation of this store's last successful save; -1 before one. */
    private volatile long lastSaved = -1;

    LeadershipWorldViewStore(DataStore data, Term term, String prefix, int chunkBytes, Duration timeout,
            Clock clock) {
        this.layout = new Layout(prefix, chunkBytes);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("world view timeout must be positive, got " + timeout);
        }
        this.data = data;
        this.term = term;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public String description() {
        return "leadership data '" + layout.prefix() + "/'" + (term == null ? " (read only)" : "");
    }

    @Override
    public void save(WorldView view) {
        if (term == null) {
            throw new IllegalStateException("this world view store is read only: a standby holds no term");
        }
        byte[] bytes = view.bytes();
        Optional<byte[]> raw;
        TreeMap<Long, Listed> present;
        try {
            // Both reads in flight at once: a save is on the path of a graceful handover.
            CompletableFuture<Optional<byte[]>> manifest = data.get(layout.manifestKey());
            CompletableFuture<SortedSet<String>> keys = data.keys(layout.generationsPrefix());
            raw = await(manifest, "reading the world view manifest");
            // Not knowing which generations exist, a save could overwrite one: write nothing then.
            present = generations(await(keys, "listing the world view generations"));
        } catch (WorldViewException e) {
            throw new WorldViewException("the world view of tick " + view.tick() + " was not saved: "
                    + e.getMessage(), e.getCause());
        }
        Optional<Manifest> old;
        boolean usable = true;
        try {
            old = parseManifest(raw);
            usable = old.isPresent() || present.isEmpty();
        } catch (Unusable e) {
            old = Optional.empty();
            usable = false;
        }
        long generation = Math.max(present.isEmpty() ? 0 : present.lastKey(),
                old.map(m -> Math.max(m.current().generation(), m.previous() == null ? 0
                        : m.previous().generation())).orElse(0L)) + 1;
        int chunks = layout.chunks(bytes);
        List<Integer> checksums = new ArrayList<>();
        List<CompletableFuture<Void>> chunkWrites = new ArrayList<>();
        // A view of one chunk goes with the switch, in one write; more chunks go first, all in flight at once (etcd
        // commits them together), and each must be written before the header.
        List<WriteOp> commit = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            byte[] chunk = layout.chunk(bytes, i);
            checksums.add(crc(chunk));
            WriteOp put = WriteOp.put(layout.chunkKey(generation, i), chunk);
            if (chunks == 1) {
                commit.add(put);
            } else {
                chunkWrites.add(term.write(List.of(put)));
            }
        }
        for (int i = 0; i < chunkWrites.size(); i++) {
            written(chunkWrites.get(i), view, "chunk " + (i + 1) + " of " + chunks, chunkWrites);
        }
        GenerationHeader header = new GenerationHeader(HEADER_LAYOUT, generation, view.tick(), bytes.length,
                view.header().checksum(), checksums);
        Entry previous = usable ? old.map(Manifest::current).orElse(null) : stillPresent(loaded, present);
        commit.add(WriteOp.put(layout.headerKey(generation), encode(header)));
        commit.add(WriteOp.put(layout.manifestKey(), encode(new Manifest(header.entry(), previous))));
        List<Long> dropped = List.of();
        if (usable && old.isPresent() && old.get().current().generation() == lastSaved) {
            // The manifest named this store's own last save: the two newest are views this term wrote, and the switch
            // drops the others in the same write.
            dropped = present.keySet().stream().filter(g -> g != generation && g != lastSaved)
                    .limit(DROPPED_PER_SAVE).toList();
            dropped.forEach(g -> commit.add(WriteOp.deletePrefix(layout.generationPrefix(g))));
        }
        write(commit, view, chunks == 1 ? "chunk 1 of 1 with the manifest switch" : "the manifest switch");
        if (!usable) {
            LOG.warn("Saved the world view of tick {} as generation {} with a new manifest, over one that could not "
                    + "be used; no stored generation was deleted (generations {} are kept)", view.tick(), generation,
                    present.keySet());
        }
        lastSaved = generation;
        LOG.debug("Saved {} as generation {} in {} chunks, dropping generations {}", view.header(), generation, chunks,
                dropped);
    }

    private static Entry stillPresent(Entry entry, TreeMap<Long, Listed> present) {
        return entry != null && present.containsKey(entry.generation()) ? entry : null;
    }

    @Override
    public void probe() {
        await(data.get(layout.manifestKey()), "reading the world view manifest");
    }

    @Override
    public LoadResult load() {
        Optional<byte[]> raw = await(data.get(layout.manifestKey()), "reading the world view manifest");
        List<WorldViewException> rejected = new ArrayList<>();
        Optional<String> damage = Optional.empty();
        List<Entry> named = new ArrayList<>();
        try {
            parseManifest(raw).ifPresent(manifest -> {
                named.add(manifest.current());
                if (manifest.previous() != null) {
                    named.add(manifest.previous());
                }
            });
        } catch (Unusable e) {
            damage = Optional.of(e.getMessage());
        }
        for (Entry entry : named) {
            try {
                WorldView view = read(entry, Optional.empty());
                if (!rejected.isEmpty()) {
                    LOG.error("Using the previous good world view, generation {} ({})", entry.generation(),
                            view.header());
                }
                return found(view, entry, rejected, damage);
            } catch (Unusable e) {
                rejected.add(e);
                LOG.error("World view generation {} is unusable: {}", entry.generation(), e.getMessage());
            }
        }
        // The manifest cannot say where an intact view is: look for one under the prefix.
        TreeMap<Long, Listed> present = list();
        if (raw.isEmpty() && !present.isEmpty()) {
            damage = Optional.of("world view manifest " + layout.manifestKey() + " is missing, but generations "
                    + present.keySet() + " are stored");
        }
        damage.ifPresent(problem -> LOG.error("The world view manifest is unusable: {}; looking for the newest "
                + "intact generation under '{}/'", problem, layout.prefix()));
        for (Listed listed : present.descendingMap().values()) {
            if (named.stream().anyMatch(entry -> entry.generation() == listed.generation())) {
                continue;
            }
            try {
                Entry entry = describe(listed);
                WorldView view = read(entry, header(listed).map(GenerationHeader::chunkChecksums));
                LOG.error("Found the intact world view generation {} ({}) without the manifest; using it",
                        listed.generation(), view.header());
                return found(view, entry, rejected, damage);
            } catch (Unusable e) {
                rejected.add(e);
                LOG.error("World view generation {} is unusable: {}", listed.generation(), e.getMessage());
            }
        }
        return new LoadResult(Optional.empty(), rejected, damage);
    }

    private LoadResult found(WorldView view, Entry entry, List<WorldViewException> rejected,
                             Optional<String> damage) {
        // Complete, also for a generation found without a header: a manifest written over a damaged one names it.
        loaded = new Entry(entry.generation(), entry.chunks(), view.bytes().length, view.tick(),
                view.header().checksum());
        return new LoadResult(Optional.of(view), rejected, damage);
    }

    /** The generations under the prefix, by number. */
    private TreeMap<Long, Listed> list() {
        return generations(await(data.keys(layout.generationsPrefix()), "listing the world view generations"));
    }

    /** The generations that {@code keys} under the prefix hold, by number. */
    private static TreeMap<Long, Listed> generations(SortedSet<String> keys) {
        TreeMap<Long, Listed> generations = new TreeMap<>();
        for (String key : keys) {
            Matcher matcher = GENERATION_KEY.matcher(key);
            if (!matcher.find()) {
                continue;
            }
            long generation = Long.parseLong(matcher.group(1));
            Listed listed = generations.computeIfAbsent(generation, g -> new Listed(g, false, new TreeSet<>()));
            if (matcher.group(3) != null) {
                listed.chunks().add(Integer.parseInt(matcher.group(3)));
            } else {
                generations.put(generation, new Listed(generation, true, listed.chunks()));
            }
        }
        return generations;
    }

    /** What a generation found by a listing holds: as its header says, or else every chunk listed, whole. */
    private Entry describe(Listed listed) {
        Optional<GenerationHeader> header = header(listed);
        if (header.isPresent()) {
            return header.get().entry();
        }
        String where = "world view generation " + listed.generation();
        if (listed.chunks().isEmpty() || listed.chunks().last() != listed.chunks().size() - 1) {
            throw new Unusable(where + " has no header and not every chunk from the first: it was cut short "
                    + "(chunks " + listed.chunks() + ")");
        }
        // The view's own header says its length, and its checksum covers every byte: read() checks both.
        return new Entry(listed.generation(), listed.chunks().size(), -1, -1, 0);
    }

    /** The generation's header, if it has one of a layout this code knows. */
    private Optional<GenerationHeader> header(Listed listed) {
        if (!listed.header()) {
            return Optional.empty();
        }
        Optional<byte[]> raw = await(data.get(layout.headerKey(listed.generation())),
                "reading the header of world view generation " + listed.generation());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            GenerationHeader header = JSON.readValue(raw.get(), GenerationHeader.class);
            if (header.layout() != HEADER_LAYOUT || header.chunkChecksums() == null
                    || header.generation() != listed.generation()) {
                LOG.warn("World view generation {} has a header of layout {} for generation {}; checking its chunks "
                        + "whole", listed.generation(), header.layout(), header.generation());
                return Optional.empty();
            }
            return Optional.of(header);
        } catch (IOException e) {
            LOG.warn("The header of world view generation {} is unreadable ({}); checking its chunks whole",
                    listed.generation(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Reads the chunks one key each, all requests in flight at once: one scan of the generation would come back as
     * one gRPC message, and the etcd client refuses messages above 4 MiB. An entry of unknown length (-1) takes the
     * view's own word for it. Each chunk is checked against {@code chunkChecksums} if given.
     */
    private WorldView read(Entry entry, Optional<List<Integer>> chunkChecksums) {
        String where = "world view generation " + entry.generation() + (entry.tick() < 0 ? ""
                : " (tick " + entry.tick() + ")");
        List<CompletableFuture<Optional<byte[]>>> requests = new ArrayList<>();
        for (int i = 0; i < entry.chunks(); i++) {
            requests.add(data.get(layout.chunkKey(entry.generation(), i)));
        }
        List<byte[]> chunks = new ArrayList<>();
        long length = 0;
        try {
            for (int i = 0; i < requests.size(); i++) {
                Optional<byte[]> chunk = await(requests.get(i), "reading " + where + ", chunk " + (i + 1) + " of "
                        + entry.chunks());
                if (chunk.isEmpty()) {
                    throw new Unusable(where + " lacks chunk " + (i + 1) + " of " + entry.chunks());
                }
                if (chunkChecksums.isPresent() && crc(chunk.get()) != chunkChecksums.get().get(i)) {
                    throw new Unusable(String.format("%s: chunk %d of %d is corrupt (CRC32C %08x, its header says "
                            + "%08x)", where, i + 1, entry.chunks(), crc(chunk.get()), chunkChecksums.get().get(i)));
                }
                chunks.add(chunk.get());
                length += chunk.get().length;
            }
        } catch (RuntimeException e) {
            requests.forEach(request -> request.cancel(true));
            throw e;
        }
        if (entry.length() >= 0 && length != entry.length()) {
            throw new Unusable(where + " has " + length + " bytes, the manifest says " + entry.length());
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
            throw new Unusable(where + ": " + e.getMessage(), e);
        }
    }

    private Optional<Manifest> parseManifest(Optional<byte[]> raw) {
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            Manifest manifest = JSON.readValue(raw.get(), Manifest.class);
            if (manifest.current() == null) {
                throw new Unusable("world view manifest " + layout.manifestKey() + " names no current view");
            }
            return Optional.of(manifest);
        } catch (IOException e) {
            throw new Unusable("world view manifest " + layout.manifestKey() + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private void write(List<WriteOp> ops, WorldView view, String what) {
        written(term.write(ops), view, what, List.of());
    }

    /** Waits for one write of {@code view}; if it failed, gives up {@code others} too. */
    private void written(CompletableFuture<Void> write, WorldView view, String what,
                         List<CompletableFuture<Void>> others) {
        try {
            await(write, what);
        } catch (WorldViewException e) {
            others.forEach(other -> other.cancel(true));
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
     * abandoned at once when the term is lost: nothing waits on etcd after that, so a deposed leader stops at once.
     * etcd may still take the write while it holds the term's key, which the fence allows: the key's deletion, which
     * a successor waits for, comes after it in etcd's history.
     */
    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            clock.orTimeout(future, timeout, what);
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

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }
}
