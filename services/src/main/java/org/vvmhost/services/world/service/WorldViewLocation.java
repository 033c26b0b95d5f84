package org.vvmhost.services.world.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.Clock;
import org.vvmhost.vvm.ServiceContext;

/**
 * Where the world simulation keeps its world views: in the election's data (etcd, or the in-memory election of the
 * embedded default), written through the leader's fenced transaction, or in a directory ({@code file:DIR}).
 */
public sealed interface WorldViewLocation {

    /** The prefix of the world views in the election's data, unless told otherwise. */
    String DEFAULT_PREFIX = "world";

    /** Opens the store for the leader that runs under {@code context}; its timeouts run on {@code clock}. */
    WorldViewStore open(ServiceContext context, Clock clock);

    /** A store that reads what the leader wrote, for a process that does not lead; it refuses to save. */
    WorldViewStore reader(DataStore data, Clock clock);

    /** For log lines. */
    String description();

    /** In the election's data, under {@code prefix}: chunks of at most 1 MiB, then a manifest switch. */
    record InElection(String prefix, Duration timeout) implements WorldViewLocation {
        public InElection {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public WorldViewStore open(ServiceContext context, Clock clock) {
            return WorldViewStore.leadership(context.data(), context.term(), prefix, WorldViewStore.MAX_CHUNK_BYTES,
                    timeout, clock);
        }

        @Override
        public WorldViewStore reader(DataStore data, Clock clock) {
            return WorldViewStore.leadershipReader(data, prefix, timeout, clock);
        }

        /** The key a leader switches after each save; standbys watch it. */
        public String manifestKey() {
            return prefix + "/manifest";
        }

        @Override
        public String description() {
            return "the election's data under '" + prefix + "/'";
        }
    }

    /** Files in {@code directory}, each written to a temporary file and renamed into place. */
    record InDirectory(Path directory) implements WorldViewLocation {
        public InDirectory {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public WorldViewStore open(ServiceContext context, Clock clock) {
            return WorldViewStore.file(directory);
        }

        @Override
        public WorldViewStore reader(DataStore data, Clock clock) {
            return WorldViewStore.file(directory);
        }

        @Override
        public String description() {
            return "file:" + directory;
        }
    }

    /** The default: the election's data under {@value #DEFAULT_PREFIX}. */
    static WorldViewLocation inElection(Duration timeout) {
        return new InElection(DEFAULT_PREFIX, timeout);
    }

    /**
     * Parses {@code --world-store}: {@code file:DIR}.
     *
     * @throws IllegalArgumentException naming the option and the expected form
     */
    static WorldViewLocation parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.startsWith("file:") && spec.length() > "file:".length()) {
            return new InDirectory(Path.of(spec.substring("file:".length())));
        }
        throw new IllegalArgumentException("--world-store: expected file:DIR (a directory for the world views), got '"
                + spec + "'; leave it out to keep the world views in the election's data");
    }

    /**
     * The header of the newest intact world view (its tick, world hash and population), read without leading. The
     * world hash is in the view's own header, so this reads the view and checks its checksum.
     */
    default Optional<WorldView.Header> lastBackup(DataStore data, Clock clock) {
        return reader(data, clock).load().view().map(WorldView::header);
    }
}
