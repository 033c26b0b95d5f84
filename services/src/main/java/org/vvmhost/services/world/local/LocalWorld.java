package org.vvmhost.services.world.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.core.AuthorityTable;
import org.vvmhost.services.world.core.BoundaryPlan;
import org.vvmhost.services.world.core.EntityRows;
import org.vvmhost.services.world.core.IndexedWorld;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.RoutedCommands;
import org.vvmhost.services.world.core.Simulator;
import org.vvmhost.services.world.core.TickEvents;
import org.vvmhost.services.world.core.Transfer;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.core.WorldState;
import org.vvmhost.services.world.view.WorldViewCodec;

/**
 * The in-thread tick coordinator: it drives each tick of its simulators through the three steps with a barrier
 * after each (simulate, detach, attach), on its own pool, and lets the {@link WorldCore} merge the structural
 * events in between.
 */
final class LocalWorld extends IndexedWorld {

    private final WorldGeometry geometry;
    private final AuthorityTable authority;
    private final List<List<Simulator>> simulators;
    private final List<Simulator> allSimulators = new ArrayList<>();
    private final List<Integer> setOfSimulator = new ArrayList<>();
    private final ExecutorService pool;
    private final List<Thread> workers = new CopyOnWriteArrayList<>();

    /** A world of {@code simulators[set]}, which hold every area of {@code state} under grants of {@code authority}. */
    LocalWorld(WorldCore core, AuthorityTable authority, List<List<Simulator>> simulators, int threads,
            WorldState state) {
        super(core, state);
        this.geometry = core.geometry();
        this.authority = authority;
        this.simulators = List.copyOf(simulators);
        for (int s = 0; s < simulators.size(); s++) {
            for (Simulator simulator : simulators.get(s)) {
                allSimulators.add(simulator);
                setOfSimulator.add(s);
            }
        }
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, namedInto(workers));
    }

    @Override
    public long step(CommandSource source) {
        open.requireOpen();
        long next = tick() + 1;
        long seed = core.seed();
        RoutedCommands routed = route(source, next);
        List<TickEvents> events = onEverySimulator(s -> s.simulate(next, seed, geometry, area -> true,
                area -> routed.of(core.setIndex(s.set().name()), area)), next);
        BoundaryPlan plan = merge(events);
        if (!plan.isEmpty()) {
            BoundaryPlan.ByArea byArea = plan.byArea(geometry.areaCount());
            List<List<Transfer>> detached = onEverySimulator(s -> s.detach(plan, byArea), next);
            List<List<Transfer>> bySet = new ArrayList<>();
            for (int s = 0; s < simulators.size(); s++) {
                bySet.add(new ArrayList<>());
            }
            for (int i = 0; i < allSimulators.size(); i++) {
                bySet.get(setOfSimulator.get(i)).addAll(detached.get(i));
            }
            onEverySimulator(s -> {
                s.attach(plan, byArea, bySet.get(core.setIndex(s.set().name())), seed, geometry);
                return null;
            }, next);
        }
        return advance(next, plan, routed);
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
        Partition[][] partitions = new Partition[simulators.size()][geometry.areaCount()];
        for (int s = 0; s < simulators.size(); s++) {
            for (Simulator simulator : simulators.get(s)) {
                for (int area : simulator.areas()) {
                    partitions[s][area] = simulator.partition(area);
                }
            }
            for (int area = 0; area < geometry.areaCount(); area++) {
                if (partitions[s][area] == null) {
                    throw new IllegalStateException("no simulator holds " + core.sets().get(s).name() + " area "
                            + area);
                }
            }
        }
        return partitions;
    }

    @Override
    public long hash() {
        return core.hash(partitions(), nextEntityId());
    }

    @Override
    public long population() {
        return WorldCore.population(partitions()[0]);
    }

    @Override
    protected List<EntityRecord> read(int[] areas, long[] ids, int limit) {
        open.requireOpen();
        Partition[][] partitions = partitions();
        EntityRows[] rows = new EntityRows[partitions.length];
        for (int s = 0; s < partitions.length; s++) {
            List<Partition> held = new ArrayList<>();
            for (int area : areas) {
                held.add(partitions[s][area]);
            }
            rows[s] = EntityRows.read(core.sets().get(s).schema(), held, ids, limit);
        }
        return EntityRows.join(core, rows, (s, area) -> ownerOf(s, area).id());
    }

    private Simulator ownerOf(int s, int area) {
        for (Simulator simulator : simulators.get(s)) {
            if (simulator.partition(area) != null) {
                return simulator;
            }
        }
        throw new IllegalStateException("no simulator holds " + core.sets().get(s).name() + " area " + area);
    }

    @Override
    public WorldView snapshot() {
        open.requireOpen();
        return WorldViewCodec.encode(core, state(partitions()));
    }

    @Override
    public void load(WorldView view) {
        open.requireOpen();
        WorldState state = WorldViewCodec.decode(core, view);
        // Every area goes back to the simulator that holds it now (round robin), which drops what it held.
        LocalWorlds.assign(simulators, state, authority);
        restart(state);
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
                                partition.size(), simulator.grant(area).epoch()));
                    }
                }
            }
        }
        return new WorldStatus(tick(), roles, authority.rejectedWrites(), 0, 0, 0, 0, List.of(),
                commandCounts());
    }

    @Override
    public void close() {
        if (!open.close()) {
            return;
        }
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
        return "world at tick " + tick() + " (" + geometry.rows() + " × " + geometry.cols() + " areas, "
                + allSimulators.size() + " simulators)";
    }
}
