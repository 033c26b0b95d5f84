package org.vvmhost.services.world.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.view.WorldViewCodec;
import org.vvmhost.services.world.view.WorldViewStore;

/**
 * What a replica checks before it campaigns, so that a mistake is refused at once instead of at the next failover:
 * the world config is complete (every component set it enables exists) and fits in the heap, the world view store can
 * be used, and the world stored there is the config's world. Each check returns what it found and throws nothing for
 * it; only {@link #store} does I/O.
 */
public final class Preflight {

    /**
     * Heap one entity takes per byte of its components in a snapshot (ids included), for each copy of the world (the
     * active simulators' and each passive's): the partitions' arrays and id maps with their spare room, the snapshot
     * taken for a backup and the view being written. Measured: the built-in sets (36 snapshot bytes) with one passive
     * per area need about 500 bytes of heap per entity (10^6 entities ran in 600 MiB, not in 520 MiB).
     */
    static final int HEAP_BYTES_PER_SNAPSHOT_BYTE_PER_COPY = 7;
    /** The JVM, the libraries and the cluster before any entity. */
    static final long BASE_HEAP_BYTES = 64L << 20;

    /**
     * One problem, said so that a person can fix it.
     *
     * @param field   the config field or option it is about, for example {@code world.entities}
     * @param problem what is wrong
     * @param fix     what to do
     */
    public record Finding(String field, String problem, String fix) {
        public Finding {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(fix, "fix");
        }

        /** One line: the field, the problem and the fix. */
        public String message() {
            return field + ": " + problem + ". " + fix;
        }
    }

    private Preflight() {
    }

    /**
     * The config against the component sets this build knows and against the heap: every unknown set, and a world
     * whose estimated heap exceeds {@code maxHeapBytes} ({@link Runtime#maxMemory()}).
     */
    public static List<Finding> config(WorldConfig config, ComponentSetRegistry sets, long maxHeapBytes) {
        List<String> unknown = config.componentSets().keySet().stream()
                .filter(name -> !sets.sets().containsKey(name)).toList();
        List<Finding> findings = new ArrayList<>();
        for (String name : unknown) {
            findings.add(new Finding("world.component-sets." + name, "unknown component set; the known sets are "
                    + String.join(", ", sets.sets().keySet()), "Enable only known sets under world.component-sets "
                    + "(in --world-config or --world-set)"));
        }
        if (unknown.isEmpty()) {
            memory(config, sets, maxHeapBytes).ifPresent(findings::add);
        }
        return findings;
    }

    /** Bytes of heap one entity of this world takes, as estimated; the config's sets must all be known. */
    public static long heapBytesPerEntity(WorldConfig config, ComponentSetRegistry sets) {
        long snapshotBytes = 0;
        for (String name : config.componentSets().keySet()) {
            snapshotBytes += sets.require(name).schema().bytesPerEntity();
        }
        return snapshotBytes * HEAP_BYTES_PER_SNAPSHOT_BYTE_PER_COPY * (1L + config.passivesPerArea());
    }

    /** Bytes of heap this world takes, as estimated; the config's sets must all be known. */
    public static long heapEstimate(WorldConfig config, ComponentSetRegistry sets) {
        return BASE_HEAP_BYTES + heapBytesPerEntity(config, sets) * config.entities();
    }

    private static Optional<Finding> memory(WorldConfig config, ComponentSetRegistry sets, long maxHeapBytes) {
        long perEntity = heapBytesPerEntity(config, sets);
        long needed = heapEstimate(config, sets);
        if (needed <= maxHeapBytes) {
            return Optional.empty();
        }
        long fits = Math.max(0, (maxHeapBytes - BASE_HEAP_BYTES) / perEntity);
        long suggestedGib = (needed + (1L << 30) - 1 + needed / 4) >> 30;
        return Optional.of(new Finding("world.entities", String.format(Locale.ROOT, "%d entities need about %s of "
                        + "heap (%d bytes each with component sets %s and %d passive(s) per area), but this JVM may "
                        + "use at most %s (-Xmx)", config.entities(), size(needed), perEntity,
                String.join(", ", config.componentSets().keySet()), config.passivesPerArea(), size(maxHeapBytes)),
                String.format(Locale.ROOT, "Give the JVM a larger heap, for example JAVA_TOOL_OPTIONS=-Xmx%dg (in a "
                        + "container, with a memory limit to match), or lower world.entities to at most %d",
                        suggestedGib, fits)));
    }

    /** The store's {@link WorldViewStore#probe}: a store that cannot be used, said plainly. */
    public static Optional<Finding> store(WorldViewStore store, String option) {
        try {
            store.probe();
            return Optional.empty();
        } catch (WorldViewException e) {
            return Optional.of(new Finding(option, e.getMessage(), "Give a directory this process can create and "
                    + "write (check its owner and mode), or leave " + option + " out to keep the world views in the "
                    + "election's data"));
        }
    }

    /**
     * Whether the world stored in {@code where} (the newest intact view's {@code stored} header) is the config's
     * world: empty if it is, else the first field that differs and what to do. The config's sets must all be known.
     *
     * @param freshWorld how to move the stored views away, for the fix
     */
    public static Optional<Finding> compare(WorldConfig config, ComponentSetRegistry sets, WorldView.Header stored,
                                            String where, String freshWorld) {
        return WorldViewCodec.mismatch(WorldCore.of(config, sets), stored).map(mismatch -> new Finding(
                mismatch.field(), "the stored world (the world view of tick " + stored.tick() + " in " + where
                        + ") has " + mismatch.field() + " " + mismatch.inView() + ", this replica's config has "
                        + mismatch.inConfig() + "; this replica does not campaign while they differ",
                "Run it with the config the stored world was written with (" + mismatch.field() + " "
                        + mismatch.inView() + "); to start a fresh world instead, stop every replica and "
                        + freshWorld));
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
