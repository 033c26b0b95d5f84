package org.vvmhost.services.world.view;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.time.Clock;

/**
 * Where world views (backups) are kept. A store keeps the newest view and the one before it, so a view found
 * corrupt on load falls back to the previous good one.
 */
public interface WorldViewStore {

    /** The largest piece a store writes in one request; below etcd's default request limit of 1.5 MiB. */
    int MAX_CHUNK_BYTES = 1 << 20;

    /** Where the views go, for log lines: for example {@code file:/var/lib/world}. */
    String description();

    /**
     * Saves {@code view} as the newest. When this returns, the view is durable and a later {@link #load} finds
     * it; if it throws, the previous views are untouched.
     *
     * @throws WorldViewException if the view could not be written (the cause says why, for example a
     *     {@link org.vvmhost.leadership.FencedWriteRejectedException} when this leader was deposed)
     */
    void save(WorldView view);

    /**
     * The newest intact view, and why newer ones were passed over. Never throws for a corrupt view.
     *
     * @throws WorldViewException if the store could not be read (it did not answer in time, or refused): not knowing
     *     what it holds, a caller must not take it for empty
     */
    LoadResult load();

    /**
     * Checks, before this replica campaigns, that the store can be used, without touching any view: a directory is
     * created if missing, and a probe file is created and deleted in it; the election's data answers a read of the
     * manifest. A store with nothing to check does nothing.
     *
     * @throws WorldViewException saying plainly what is wrong, for example {@code permission denied}
     */
    default void probe() {
    }

    /**
     * @param view     the newest intact view, if any
     * @param rejected the newer views that were corrupt or unreadable, newest first
     * @param damage   why the store's index of its views (etcd's manifest) could not be used, if it could not: the
     *                 view was then found by looking at every view stored
     */
    record LoadResult(Optional<WorldView> view, List<WorldViewException> rejected, Optional<String> damage) {
        public LoadResult {
            Objects.requireNonNull(view, "view");
            rejected = List.copyOf(rejected);
            Objects.requireNonNull(damage, "damage");
        }

        public LoadResult(Optional<WorldView> view, List<WorldViewException> rejected) {
            this(view, rejected, Optional.empty());
        }
    }

    /**
     * Files in {@code directory}: each view is written to a temporary file, forced to disk, then renamed into
     * place atomically; the two newest are kept.
     */
    static WorldViewStore file(Path directory) {
        return new FileWorldViewStore(directory);
    }

    /**
     * The election's data store, under {@code prefix}: chunks of at most {@code chunkBytes}, each written through
     * {@code term}'s fenced transaction, then the generation's header, then an atomic switch of the manifest key
     * {@code <prefix>/manifest}. Once the manifest names a view this store saved, the views older than the previous
     * one are deleted after the switch; none is deleted while the manifest is unusable. A load falls back to the
     * newest intact generation when the manifest is unusable. Each read and write may take {@code timeout} on
     * {@code clock}.
     */
    static WorldViewStore leadership(DataStore data, Term term, String prefix, int chunkBytes, Duration timeout,
            Clock clock) {
        return new LeadershipWorldViewStore(data, Objects.requireNonNull(term, "term"), prefix, chunkBytes, timeout,
                Objects.requireNonNull(clock, "clock"));
    }

    /** Reads what a leader wrote with {@link #leadership}; {@link #save} is refused (a standby holds no term). */
    static WorldViewStore leadershipReader(DataStore data, String prefix, Duration timeout, Clock clock) {
        return new LeadershipWorldViewStore(data, null, prefix, MAX_CHUNK_BYTES, timeout,
                Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Parses {@code --world-store}: {@code file:DIR}. (The etcd store needs the running leadership, so the host
     * builds it with {@link #leadership}.)
     *
     * @throws IllegalArgumentException naming the option, for anything else
     */
    static WorldViewStore parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.startsWith("file:") && spec.length() > "file:".length()) {
            return file(Path.of(spec.substring("file:".length())));
        }
        throw new IllegalArgumentException("--world-store: expected file:DIR, got '" + spec + "'");
    }
}
