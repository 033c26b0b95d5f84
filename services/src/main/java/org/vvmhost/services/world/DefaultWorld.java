package org.vvmhost.services.world;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The tick coordinator: it owns the simulators, drives each tick through its three steps with a barrier after
 * each (simulate, detach, attach), and merges the structural events in between in a fixed order.
 */
final class DefaultWorld implements World {

    private final WorldConfig config;
    private final WorldGeometry geometry;
    private final long seed;
    private final List<ComponentSet> sets;
    private final AuthorityTable authority = new AuthorityTable();
    private final List<List<Simulator>> simulators = new ArrayList<>();
    private final List<Simulator> allSimulators = new ArrayList<>();
    private final ExecutorService pool;
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private long tick;
    private long nextEntityId;
    private boolean closed;

    private DefaultWorld(WorldConfig config, List<ComponentSet> sets, int threads, Partition[][] partitions,
            long tick, long nextEntityId) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        this.config = config;
        this.geometry = config.geometry();
        this.seed = config.seed();
        this.sets = List.copyOf(sets);
        this.tick = tick;
        this.nextEntityId = nextEntityId;
        for (int s = 0; s < sets.size(); s++) {
            ComponentSet set = sets.get(s);
            int count = config.componentSets().get(set.name()).simulators();
            List<Simulator> ofSet = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                ofSet.add(new Simulator(set.name() + "-" + k, set, s, authority));
            }
            for (int area = 0; area < geometry.areaCount(); area++) {
                Simulator owner = ofSet.get(area % count);
                owner.assume(authority.issue(set.name(), area, owner.id()), partitions[s][area]);
            }
            simulators.add(ofSet);
            allSimulators.addAll(ofSet);
        }
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, namedInto(workers));
    }

    /** A world of given partitions, {@code partitions[set][area]} in the order of {@code sets}. */
    static DefaultWorld assemble(WorldConfig config, List<ComponentSet> sets, int threads, Partition[][] partitions,
            long tick, long nextEntityId) {
        return new DefaultWorld(config, sets, threads, partitions, tick, nextEntityId);
    }

    static DefaultWorld spawn(WorldConfig config, ComponentSetRegistry registry, int threads) {
        List<ComponentSet> sets = resolve(config, registry);
        return new DefaultWorld(config, sets, threads, spawnPartitions(config, sets), 0, config.entities());
    }

    /** The world of {@code config} at tick 0, {@code partitions[set][area]} in the order of {@code sets}. */
    static Partition[][] spawnPartitions(WorldConfig config, List<ComponentSet> sets) {
        WorldGeometry geometry = config.geometry();
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
        return partitions;
    }

    static DefaultWorld restore(WorldConfig config, ComponentSetRegistry registry, int threads, WorldView view) {
        List<ComponentSet> sets = resolve(config, registry);
        Restored restored = decodeView(config, sets, view);
        return new DefaultWorld(config, sets, threads, restored.partitions(), restored.tick(),
                restored.nextEntityId());
    }

    /** A world view's content, checked against the config and against its own hash. */
    record Restored(Partition[][] partitions, long tick, long nextEntityId) {
    }

    /**
     * Checks that {@code view} belongs to the world of {@code config} and reproduces its hash, and decodes it.
     *
     * @throws WorldViewException naming what differs or what is inconsistent
     */
    static Restored decodeView(WorldConfig config, List<ComponentSet> sets, WorldView view) {
        WorldView.Header header = WorldView.decode(view.bytes()).header();
        requireMatch(header.seed() == config.seed(), "world.seed", header.seed(), config.seed());
        WorldGeometry geometry = config.geometry();
        requireMatch(header.geometry().width() == geometry.width() && header.geometry().height() == geometry.height(),
                "world.size", header.geometry().width() + " × " + header.geometry().height(),
                geometry.width() + " × " + geometry.height());
        requireMatch(header.geometry().rows() == geometry.rows() && header.geometry().cols() == geometry.cols(),
                "world.areas", header.geometry().rows() + " × " + header.geometry().cols(),
                geometry.rows() + " × " + geometry.cols());
        requireMatch(header.population() == config.entities(), "world.entities", header.population(),
                config.entities());
        List<WorldView.SetLayout> layouts = sets.stream()
                .map(set -> new WorldView.SetLayout(set.name(), set.schema().floatColumns().size(),
                        set.schema().intColumns().size()))
                .toList();
        requireMatch(header.sets().equals(layouts), "world.component-sets", header.sets(), layouts);
        Partition[][] partitions = WorldViewCodec.readBody(view, sets);
        long hash;
        try {
            hash = hashOf(partitions, sets, header.nextEntityId());
        } catch (IllegalStateException e) {
            throw new WorldViewException("world view of tick " + header.tick() + " is inconsistent: "
                    + e.getMessage(), e);
        }
        if (hash != header.worldHash()) {
            throw new WorldViewException(String.format("world view of tick %d does not reproduce its world hash: "
                    + "the header says %016x, the content gives %016x", header.tick(), header.worldHash(), hash));
        }
        return new Restored(partitions, header.tick(), header.nextEntityId());
    }

    private static void requireMatch(boolean matches, String field, Object inView, Object inConfig) {
        if (!matches) {
            throw new WorldViewException("the world view was written for another world: " + field + " is "
                    + inView + " in the view but " + inConfig + " in the config");
        }
    }

    static List<ComponentSet> resolve(WorldConfig config, ComponentSetRegistry registry) {
        List<ComponentSet> sets = new ArrayList<>();
        for (String name : config.componentSets().keySet()) {
            sets.add(registry.require(name));
        }
        return sets;
    }

    @Override
    public long tick() {
        return tick;
    }

    @Override
    public long step() {
        requireOpen();
        long next = tick + 1;
        List<TickEvents> events = onEverySimulator(s -> s.simulate(next, seed, geometry), next);
        BoundaryPlan plan = BoundaryPlan.merge(events, geometry, seed, nextEntityId);
        if (!plan.isEmpty()) {
            List<List<Simulator.Transfer>> detached = onEverySimulator(s -> s.detach(plan), next);
            List<List<Simulator.Transfer>> bySet = new ArrayList<>();
            for (int s = 0; s < sets.size(); s++) {
                bySet.add(new ArrayList<>());
            }
            for (int i = 0; i < allSimulators.size(); i++) {
                bySet.get(setIndexOf(allSimulators.get(i))).addAll(detached.get(i));
            }
            onEverySimulator(s -> {
                s.attach(plan, bySet.get(setIndexOf(s)), seed, geometry);
                return null;
            }, next);
            nextEntityId += plan.bornIds.length;
        }
        tick = next;
        return tick;
    }

    private int setIndexOf(Simulator simulator) {
        return sets.indexOf(simulator.set());
    }

    /** Runs {@code step} on every simulator, in parallel when there is a pool, and waits for all: the barrier. */
    private <T> List<T> onEverySimulator(Function<Simulator, T> step, long atTick) {
        List<T> results = new ArrayList<>(allSimulators.size());
        if (pool == null) {
            for (Simulator simulator : allSimulators) {
                results.add(step.apply(simulator));
            }
            return results;
        }
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (Simulator simulator : allSimulators) {
            futures.add(CompletableFuture.supplyAsync(() -> step.apply(simulator), pool));
        }
        for (int i = 0; i < futures.size(); i++) {
            try {
                results.add(futures.get(i).join());
            } catch (CompletionException e) {
                throw new IllegalStateException("simulator " + allSimulators.get(i).id() + " failed at tick "
                        + atTick, e.getCause());
            }
        }
        return results;
    }

    /** Every (set, area) partition, from the simulators holding them. */
    Partition[][] partitions() {
        Partition[][] partitions = new Partition[sets.size()][geometry.areaCount()];
        for (int s = 0; s < sets.size(); s++) {
            for (Simulator simulator : simulators.get(s)) {
                for (int area : simulator.areas()) {
                    partitions[s][area] = simulator.partition(area);
                }
            }
            for (int area = 0; area < geometry.areaCount(); area++) {
                if (partitions[s][area] == null) {
                    throw new IllegalStateException("no simulator holds " + sets.get(s).name() + " area " + area);
                }
            }
        }
        return partitions;
    }

    @Override
    public long hash() {
        return hashOf(partitions(), sets, nextEntityId);
    }

    /** The world hash of {@code partitions[set][area]}; every area must hold as many entities in every set. */
    static long hashOf(Partition[][] partitions, List<ComponentSet> sets, long nextEntityId) {
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
        return combineHash(sizes, hashes, sets, nextEntityId);
    }

    /**
     * The world hash from each (set, area)'s size and content hash, wherever those were computed; checks that every
     * area holds as many entities in every set.
     */
    static long combineHash(long[][] sizes, long[][] contentHashes, List<ComponentSet> sets, long nextEntityId) {
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

    private static long population(Partition[][] partitions) {
        return populationOf(partitions[0]);
    }

    private static long populationOf(Partition[] partitions) {
        long count = 0;
        for (Partition partition : partitions) {
            count += partition.size();
        }
        return count;
    }

    @Override
    public long population() {
        return population(partitions());
    }

    @Override
    public WorldView snapshot() {
        requireOpen();
        Partition[][] partitions = partitions();
        return WorldViewCodec.encode(tick, seed, hash(), nextEntityId, population(partitions), geometry, sets,
                partitions);
    }

    @Override
    public Map<String, List<Integer>> assignments() {
        Map<String, List<Integer>> assignments = new LinkedHashMap<>();
        for (Simulator simulator : allSimulators) {
            assignments.put(simulator.id(), simulator.areas());
        }
        return assignments;
    }

    @Override
    public void reassign(String set, int area, int simulator) {
        requireOpen();
        int setIndex = -1;
        for (int s = 0; s < sets.size(); s++) {
            if (sets.get(s).name().equals(set)) {
                setIndex = s;
            }
        }
        if (setIndex < 0) {
            throw new IllegalArgumentException("component set '" + set + "' is not enabled in this world");
        }
        ComponentSet componentSet = sets.get(setIndex);
        if (area < 0 || area >= geometry.areaCount()) {
            throw new IllegalArgumentException("area " + area + " is outside 0.." + (geometry.areaCount() - 1));
        }
        List<Simulator> ofSet = simulators.get(setIndex);
        if (simulator < 0 || simulator >= ofSet.size()) {
            throw new IllegalArgumentException(set + " has simulators 0.." + (ofSet.size() - 1) + ", not " + simulator);
        }
        Simulator target = ofSet.get(simulator);
        Simulator holder = ofSet.stream().filter(s -> s.partition(area) != null).findFirst().orElseThrow();
        if (holder == target) {
            return;
        }
        AreaSnapshot snapshot = holder.release(area, tick);
        target.assume(authority.issue(set, area, target.id()), Partition.restore(componentSet, snapshot));
    }

    @Override
    public long rejectedWrites() {
        return authority.rejectedWrites();
    }

    @Override
    public WorldStatus status() {
        List<WorldStatus.AreaRoles> roles = new ArrayList<>();
        for (List<Simulator> ofSet : simulators) {
            for (int area = 0; area < geometry.areaCount(); area++) {
                for (Simulator simulator : ofSet) {
                    Partition partition = simulator.partition(area);
                    if (partition != null) {
                        roles.add(new WorldStatus.AreaRoles(simulator.set().name(), area, simulator.id(), List.of(),
                                partition.size()));
                    }
                }
            }
        }
        return new WorldStatus(tick, roles, authority.rejectedWrites(), 0, 0, 0, 0, List.of());
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the world is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
            // Terminated means the workers are exiting; join them so that none is left when close returns.
            for (Thread thread : workers) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Names the pool's threads and keeps them, so that close can join them. */
    private static ThreadFactory namedInto(List<Thread> created) {
        return runnable -> {
            Thread thread = new Thread(runnable, "world-simulator-" + created.size());
            created.add(thread);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "world at tick " + tick + " (" + config.entities() + " entities, " + geometry.rows() + " × "
                + geometry.cols() + " areas, " + allSimulators.size() + " simulators)";
    }
}
