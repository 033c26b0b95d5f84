package org.vvmhost.services.world.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vvmhost.services.world.CommandField;
import org.vvmhost.services.world.CommandKind;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldConfigException;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.services.world.WorldRandom;

/**
 * The deterministic part of a world that every coordinator computes the same way, whoever simulates what: the
 * component sets of a config in their canonical order, the spawn at tick 0, the boundary merge and the world hash.
 * Immutable, so coordinators and simulators may share one.
 */
public final class WorldCore {

    private final WorldConfig config;
    private final List<ComponentSet> sets;
    private final WorldGeometry geometry;
    /** Kind name → the index of the set that declared it, and the declaration. */
    private final Map<String, DeclaredKind> kinds;
    private final List<List<CommandField>> spawnFields;

    /** A command kind and the set (by index) that handles it. */
    public record DeclaredKind(int setIndex, CommandKind kind) {
    }

    private WorldCore(WorldConfig config, List<ComponentSet> sets) {
        this.config = config;
        this.sets = List.copyOf(sets);
        this.geometry = config.geometry();
        Map<String, DeclaredKind> declared = new TreeMap<>();
        List<List<CommandField>> spawnable = new ArrayList<>();
        for (int s = 0; s < this.sets.size(); s++) {
            ComponentSet set = this.sets.get(s);
            for (CommandKind kind : set.commands(geometry)) {
                DeclaredKind earlier = declared.put(kind.name(), new DeclaredKind(s, kind));
                if (earlier != null) {
                    throw new WorldConfigException("world.component-sets", "the command kind '" + kind.name()
                            + "' is declared by both " + this.sets.get(earlier.setIndex()).name() + " and "
                            + set.name() + "; a kind's name must be unique among the enabled sets");
                }
            }
            List<CommandField> fields = List.copyOf(set.spawnFields(geometry));
            List<String> columns = new ArrayList<>(set.schema().floatColumns());
            columns.addAll(set.schema().intColumns());
            for (CommandField field : fields) {
                if (!columns.contains(field.name())) {
                    throw new IllegalArgumentException(set.name() + " declares the spawn field '" + field.name()
                            + "', which is not one of its columns " + columns);
                }
            }
            spawnable.add(fields);
        }
        this.kinds = Collections.unmodifiableMap(new LinkedHashMap<>(declared));
        this.spawnFields = List.copyOf(spawnable);
    }

    /**
     * The core of the world of {@code config}, its sets taken from {@code registry} in the config's (name) order.
     *
     * @throws org.vvmhost.services.world.WorldConfigException if the config names a set the registry lacks
     */
    public static WorldCore of(WorldConfig config, ComponentSetRegistry registry) {
        List<ComponentSet> sets = new ArrayList<>();
        for (String name : config.componentSets().keySet()) {
            sets.add(registry.require(name));
        }
        return new WorldCore(config, sets);
    }

    public WorldConfig config() {
        return config;
    }

    /** The enabled sets in canonical order; a set's index in this list is its index everywhere. */
    public List<ComponentSet> sets() {
        return sets;
    }

    public WorldGeometry geometry() {
        return geometry;
    }

    public long seed() {
        return config.seed();
    }

    /** The index of the set named {@code name}. */
    public int setIndex(String name) {
        for (int s = 0; s < sets.size(); s++) {
            if (sets.get(s).name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("this world has no component set '" + name + "'");
    }

    /** Every command kind the sets declare, by name, in name order. */
    public Map<String, DeclaredKind> kinds() {
        return kinds;
    }

    /** The index of the set that handles command kind {@code kind}. */
    public int setOfKind(String kind) {
        DeclaredKind declared = kinds.get(kind);
        if (declared == null) {
            throw new IllegalArgumentException("this world has no command kind '" + kind + "'");
        }
        return declared.setIndex();
    }

    /** The columns a spawn command may set in set {@code s}. */
    public List<CommandField> spawnFields(int s) {
        return spawnFields.get(s);
    }

    /** How many simulators the config wants for set {@code s}. */
    public int simulators(int s) {
        return config.componentSets().get(sets.get(s).name()).simulators();
    }

    /** The world at tick 0. */
    public WorldState spawn() {
        int areas = geometry.areaCount();
        int expected = (int) Math.min(Integer.MAX_VALUE - 16, config.entities() / (long) areas * 5 / 4 + 16);
        Partition[][] partitions = new Partition[sets.size()][areas];
        for (int s = 0; s < sets.size(); s++) {
            for (int a = 0; a < areas; a++) {
                partitions[s][a] = new Partition(sets.get(s), a, expected);
            }
        }
        for (long id = 0; id < config.entities(); id++) {
            float x = geometry.spawnX(config.seed(), id);
            float y = geometry.spawnY(config.seed(), id);
            int area = geometry.areaOf(x, y);
            ComponentSet.Spawn spawn = new ComponentSet.Spawn(config.seed(), id, x, y, geometry);
            for (int s = 0; s < sets.size(); s++) {
                Partition partition = partitions[s][area];
                sets.get(s).spawn(spawn, partition, partition.add(id));
            }
        }
        return new WorldState(partitions, 0, config.entities(), -1);
    }

    /**
     * Merges the structural events of every simulator of a tick in {@code scratch}; see {@link BoundaryPlan}.
     *
     * @throws IllegalStateException if the newborn would take ids of the range kept for spawned entities
     */
    public BoundaryPlan merge(List<TickEvents> events, long nextEntityId, BoundaryPlan.Scratch scratch) {
        BoundaryPlan plan = BoundaryPlan.merge(events, geometry, config.seed(), nextEntityId, scratch);
        if (nextEntityId + plan.bornIds().length > WorldCommand.SPAWNED_IDS) {
            throw new IllegalStateException("the newborn have used up their ids, up to " + WorldCommand.SPAWNED_IDS
                    + ", where the ids of spawned entities begin");
        }
        return plan;
    }

    /** The world hash of {@code partitions[set][area]}; every area must hold as many entities in every set. */
    public long hash(Partition[][] partitions, long nextEntityId) {
        long[][] sizes = new long[partitions.length][];
        long[][] hashes = new long[partitions.length][];
        for (int s = 0; s < partitions.length; s++) {
            sizes[s] = new long[partitions[s].length];
            hashes[s] = new long[partitions[s].length];
            for (int area = 0; area < partitions[s].length; area++) {
                sizes[s][area] = partitions[s][area].size();
                hashes[s][area] = partitions[s][area].contentHash(s);
            }
        }
        return hash(sizes, hashes, nextEntityId);
    }

    /**
     * The world hash from each (set, area)'s size and content hash, wherever those were computed; checks that every
     * area holds as many entities in every set.
     */
    public long hash(long[][] sizes, long[][] contentHashes, long nextEntityId) {
        for (int area = 0; area < sizes[0].length; area++) {
            for (int s = 1; s < sizes.length; s++) {
                if (sizes[s][area] != sizes[0][area]) {
                    throw new IllegalStateException("area " + area + " holds " + sizes[s][area] + " "
                            + sets.get(s).name() + " entities but " + sizes[0][area] + " "
                            + sets.get(0).name() + " entities");
                }
            }
        }
        // A sum of independent, well-mixed terms: no sort, no lookups, and each partition's part can be computed
        // where the partition lives.
        long sum = 0;
        for (long[] ofSet : contentHashes) {
            for (long h : ofSet) {
                sum += h;
            }
        }
        return WorldRandom.fmix(sum ^ WorldRandom.fmix(nextEntityId));
    }

    /** The entities in the areas of one set: the world's population. */
    public static long population(Partition[] ofOneSet) {
        long count = 0;
        for (Partition partition : ofOneSet) {
            count += partition.size();
        }
        return count;
    }
}
