package org.vvmhost.services.world.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.ContainerSpec;
import org.vvmhost.services.cluster.ContainerStatus;
import org.vvmhost.services.cluster.Kind;
import org.vvmhost.services.cluster.ReplicaSet;
import org.vvmhost.services.cluster.RestartPolicy;
import org.vvmhost.services.cluster.Subscription;
import org.vvmhost.services.cluster.WatchEvent;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.authority.AreaGrants;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Copy;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Inspect;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Measure;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Ran;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Replica;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Run;
import org.vvmhost.services.world.cluster.SimulatorProtocol.SimulatorRequest;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Step;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Sync;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Synced;
import org.vvmhost.services.world.core.AreaCommand;
import org.vvmhost.services.world.core.BoundaryPlan;
import org.vvmhost.services.world.core.EntityRows;
import org.vvmhost.services.world.core.IndexedWorld;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.RoutedCommands;
import org.vvmhost.services.world.core.TickEvents;
import org.vvmhost.services.world.core.Transfer;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.core.WorldState;
import org.vvmhost.services.world.view.WorldViewCodec;
import org.vvmhost.time.Clock;

/**
 * The tick coordinator of a world whose simulators are containers of an in-process cluster: one ReplicaSet per
 * component set ({@code <name>-<set>}), each container running {@link SimulatorFunction}. A tick is three
 * request/response rounds through the cluster's messaging (simulate, detach, attach), each a barrier; the
 * structural events are merged here in a fixed order, exactly as in the in-thread world, so the hash at tick N does
 * not depend on how many simulators run or who holds what.
 *
 * <p>When a simulator does not answer a step, the coordinator waits until the cluster reports it stopped or gone,
 * lets the {@link WorkloadDistributor} hand its areas over, and resends the step (and the earlier steps of the tick)
 * to the new holders; steps are idempotent per area (see {@link SimulatorProtocol}). When an area is lost with no
 * passive, the whole world rewinds to the latest world view: every area then comes from one consistent backup, so
 * no entity is lost or duplicated, and determinism brings the world back to the same hash at every later tick.
 * The ticks lost are logged and kept in {@link #status()}.
 */
final class ClusterWorld extends IndexedWorld {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWorld.class);
    /** Keeps image names unique when one cluster hosts worlds one after another (images cannot be unregistered). */
    private static final AtomicLong IMAGES = new AtomicLong();
    private static final int MAX_RECOVERIES = 16;

    private final WorldGeometry geometry;
    private final WorldRuntime runtime;
    private final Cluster cluster;
    private final WorkloadDistributor distributor;
    /** The line to the simulator servers when the simulators run there; null when they run in the cluster. */
    private final RemoteSimulators remote;
    /** The grants of the simulator processes that host the actives; null when none are written. */
    private final AreaGrants grants;
    /** Rejected writes the simulators reported; the coordinator's own ledger counts none. */
    private long rejectedBySimulators;
    /** Set when the world begins closing: stop hooks then hand nothing over. */
    private volatile boolean closing;
    private final Map<String, Integer> setOfReplicaSet = new LinkedHashMap<>();
    private final Semaphore containerChanges = new Semaphore(0);
    private final List<WorldStatus.Rewind> rewinds = new ArrayList<>();
    private Subscription watch;
    /** Moves remote simulators onto servers that joined; null when the simulators run in the cluster. */
    private SimulatorRebalancer rebalancer;

    private ClusterWorld(WorldCore core, WorldRuntime runtime, WorldState state, RemoteSimulators remote,
                         AreaGrants grants) {
        super(core, state);
        this.geometry = core.geometry();
        this.runtime = runtime;
        this.remote = remote;
        this.grants = grants;
        this.cluster = runtime.cluster().orElseThrow();
        this.distributor = new WorkloadDistributor(cluster, core, runtime.timeout(), this::granted);
        for (int s = 0; s < core.sets().size(); s++) {
            setOfReplicaSet.put(runtime.name() + "-" + core.sets().get(s).name(), s);
        }
    }

    /**
     * Starts the simulator containers and hands them {@code state}'s areas. With {@code remote}, each container's
     * simulator runs on a simulator server ({@link RemoteSimulator}), and the world closes {@code remote} with it;
     * with {@code grants} too, each new active's server is granted its area there, and the world closes them first.
     */
    static ClusterWorld start(WorldCore core, WorldRuntime runtime, WorldState state, RemoteSimulators remote,
                              AreaGrants grants) {
        ClusterWorld world = new ClusterWorld(core, runtime, state, remote, grants);
        try {
            world.launch(state.partitions());
            return world;
        } catch (RuntimeException e) {
            world.close();
            throw e;
        }
    }

    private void launch(Partition[][] partitions) {
        String image = "world-simulator-" + runtime.name() + "-" + IMAGES.incrementAndGet();
        SimulatorProtocol.Coordinator line = distributor.line(() -> closing);
        cluster.functions().register(image, remote == null
                ? () -> new SimulatorFunction(core, line, runtime.timeout())
                : () -> new RemoteSimulator(remote, core, line, runtime.timeout(), cluster::stop));
        watch = cluster.watchContainers(this::onContainer);
        setOfReplicaSet.forEach((replicaSet, s) -> {
            String set = core.sets().get(s).name();
            ContainerSpec spec = ContainerSpec.of(image).withRestartPolicy(RestartPolicy.NEVER)
                    .withConfig(Map.of(SimulatorFunction.SET, set));
            cluster.apply(ReplicaSet.of(replicaSet, core.simulators(s),
                    Map.of("world", runtime.name(), "component-set", set), spec));
        });
        distributor.awaitSimulators(wantedSimulators());
        distributor.assignAll(partitions, tick());
        LOG.info("World on the cluster at tick {}: {}", tick(), distributor.table().activeAreas());
        if (remote != null) {
            Map<String, Integer> wanted = new LinkedHashMap<>();
            setOfReplicaSet.values().forEach(s -> wanted.put(core.sets().get(s).name(), core.simulators(s)));
            rebalancer = SimulatorRebalancer.start(() -> remote.spread(wanted), cluster::stop, cluster.clock(),
                    runtime.timeout(), runtime.name());
        }
    }

    /**
     * A new active: the area counts towards its server's capacity, and the simulator process its session runs on is
     * granted the area (asynchronously).
     */
    private void granted(AssignmentTable.Granted granted) {
        if (remote != null) {
            remote.activeOn(granted.container(), granted.area());
        }
        if (grants != null) {
            remote.serverOf(granted.container()).ifPresentOrElse(
                    server -> grants.activeOn(core.sets().get(granted.set()).name(), granted.area(), server),
                    () -> LOG.warn("Simulator {} has no session: {} area {} is not granted", granted.container(),
                            core.sets().get(granted.set()).name(), granted.area()));
        }
    }

    private int[] wantedSimulators() {
        int[] wanted = new int[core.sets().size()];
        for (int s = 0; s < wanted.length; s++) {
            wanted[s] = core.simulators(s);
        }
        return wanted;
    }

    /** Runs on the cluster's watch thread: only translates and queues. */
    private void onContainer(WatchEvent event) {
        containerChanges.release();
        Container container = (Container) event.resource();
        Integer s = setOfReplicaSet.get(container.owner());
        if (s == null) {
            return;
        }
        ContainerStatus status = container.status();
        if (remote != null && (event.type() == WatchEvent.Type.DELETED || status.isEnded())) {
            remote.ended(container.name());
        }
        if (event.type() == WatchEvent.Type.DELETED) {
            // A running container that is deleted stops gracefully and hands over from its stop hook.
            distributor.post(status.isEnded() || status.phase() == ContainerStatus.Phase.PENDING
                    ? new WorkloadDistributor.Down(container.name(), "deleted")
                    : new WorkloadDistributor.Stopping(container.name(), true));
        } else if (status.phase() == ContainerStatus.Phase.RUNNING && status.ready()) {
            distributor.post(new WorkloadDistributor.Up(container.name(), s));
        } else if (status.phase() == ContainerStatus.Phase.RUNNING) {
            distributor.post(new WorkloadDistributor.Stopping(container.name(), false));
        } else if (status.isEnded()) {
            distributor.post(new WorkloadDistributor.Down(container.name(), status.phase() + " " + status.reason()));
        }
    }

    /** What the steps of one tick share. */
    private static final class TickInputs {
        final long tick;
        RoutedCommands commands;
        BoundaryPlan plan;
        List<List<Transfer>> incoming;

        TickInputs(long tick) {
            this.tick = tick;
        }
    }

    /** One simulator's answer, with the set it simulates. */
    private record Reply(String container, int setIndex, Ran ran) {
    }

    /** An area was lost during a step with no passive: the step is abandoned and the world rewinds. */
    private static final class AreaLost extends RuntimeException {
        AreaLost() {
            super(null, null, false, false);
        }
    }

    @Override
    public long step(CommandSource source) {
        open.requireOpen();
        for (int attempt = 0; ; attempt++) {
            prepare();
            TickInputs in = new TickInputs(tick() + 1);
            // Routing follows spawns and despawns in the index; a tick abandoned for a lost area rewinds, which
            // rebuilds the index from the world view.
            in.commands = route(source, in.tick);
            try {
                List<TickEvents> events = new ArrayList<>();
                for (Reply reply : runStep(in, Step.SIMULATE, distributor.routing().activeAreas())) {
                    events.add(reply.ran().events());
                }
                in.plan = merge(events);
                in.incoming = new ArrayList<>();
                for (int s = 0; s < core.sets().size(); s++) {
                    in.incoming.add(new ArrayList<>());
                }
                if (!in.plan.isEmpty()) {
                    for (Reply reply : runStep(in, Step.DETACH, distributor.routing().activeAreas())) {
                        in.incoming.get(reply.setIndex()).addAll(reply.ran().outgoing());
                    }
                }
                replicate(runStep(in, Step.ATTACH, distributor.routing().activeAreas()));
            } catch (AreaLost e) {
                if (attempt >= MAX_RECOVERIES) {
                    throw new IllegalStateException("tick " + in.tick + " kept losing areas: "
                            + distributor.table().lost(), e);
                }
                continue;
            }
            return advance(in.tick, in.plan, in.commands);
        }
    }

    /** Between ticks: applies what happened in the cluster; rewinds if an area was lost; waits for simulators. */
    private void prepare() {
        distributor.settle();
        if (!distributor.table().lost().isEmpty()) {
            rewind();
        }
        if (!distributor.table().allHeld()) {
            distributor.awaitSimulators(new int[core.sets().size()]);
            if (!distributor.table().allHeld()) {
                throw new IllegalStateException("areas without a simulator: " + distributor.table().roles());
            }
        }
    }

    /** Sends {@code step} to {@code targets}; recovers from simulators that do not answer (see the class doc). */
    private List<Reply> runStep(TickInputs in, Step step, Map<String, Set<Integer>> targets) {
        List<Reply> replies = new ArrayList<>();
        Map<String, Set<Integer>> pending = targets;
        for (int recovery = 0; ; recovery++) {
            AssignmentTable sentWith = distributor.table();
            Map<String, CompletableFuture<Ran>> sent = new TreeMap<>();
            Map<String, Integer> setOf = new HashMap<>();
            pending.forEach((container, areas) -> {
                setOf.put(container, distributor.table().setOf(container));
                sent.put(container, cluster.request(container, runMessage(in, step, container, areas),
                        runtime.timeout()));
            });
            Map<Integer, Set<Integer>> affected = new TreeMap<>();
            Map<Integer, Set<Integer>> answered = new TreeMap<>();
            List<String> failed = new ArrayList<>();
            for (Map.Entry<String, CompletableFuture<Ran>> entry : sent.entrySet()) {
                String container = entry.getKey();
                int s = setOf.get(container);
                try {
                    Ran ran = SimulatorFailure.await(container, entry.getValue());
                    replies.add(new Reply(container, s, ran));
                    answered.computeIfAbsent(s, k -> new TreeSet<>()).addAll(pending.get(container));
                    rejectedBySimulators += ran.rejected();
                    if (ran.missing().length > 0) {
                        distributor.missing(container, ran.missing());
                        affected.computeIfAbsent(s, k -> new TreeSet<>())
                                .addAll(SimulatorProtocol.areas(ran.missing()));
                    }
                } catch (SimulatorFailure e) {
                    if (!e.containerGone()) {
                        throw new IllegalStateException("simulator " + container + " refused " + step + " of tick "
                                + in.tick, e);
                    }
                    LOG.warn("Simulator {} did not answer {} of tick {}: {}", container, step, in.tick,
                            e.getMessage());
                    if (e.getCause() instanceof TimeoutException) {
                        killQuietly(container);
                    }
                    failed.add(container);
                    affected.computeIfAbsent(s, k -> new TreeSet<>()).addAll(pending.get(container));
                }
            }
            if (affected.isEmpty()) {
                return replies;
            }
            if (recovery >= MAX_RECOVERIES) {
                throw new IllegalStateException(step + " of tick " + in.tick + " failed " + recovery + " times");
            }
            for (String container : failed) {
                distributor.awaitResolution(container);
            }
            distributor.settle();
            if (!distributor.table().lost().isEmpty()) {
                throw new AreaLost();
            }
            if (!distributor.table().allHeld()) {
                distributor.awaitSimulators(new int[core.sets().size()]);
            }
            // Areas that answered this step and then went to a new holder (theirs crashed after answering, or they
            // moved to even the load): the new holder takes the step too, and its reply is not counted again.
            Map<Integer, Set<Integer>> overtaken = new TreeMap<>();
            for (AssignmentTable.Granted granted : AssignmentTable.granted(sentWith, distributor.table())) {
                if (answered.getOrDefault(granted.set(), Set.of()).contains(granted.area())
                        && !affected.getOrDefault(granted.set(), Set.of()).contains(granted.area())) {
                    overtaken.computeIfAbsent(granted.set(), k -> new TreeSet<>()).add(granted.area());
                }
            }
            pending = holdersOf(affected);
            // The new holders may be behind this step (a passive holds the last completed tick): bring them up.
            bringUp(in, step, pending, false);
            if (!overtaken.isEmpty()) {
                bringUp(in, step, holdersOf(overtaken), true);
            }
        }
    }

    /** Runs the steps of the tick before {@code step} on {@code holders}, and {@code step} too if {@code through}. */
    private void bringUp(TickInputs in, Step step, Map<String, Set<Integer>> holders, boolean through) {
        for (Step earlier : Step.values()) {
            if (earlier == step && !through) {
                return;
            }
            if (earlier != Step.DETACH || !in.plan.isEmpty()) {
                runStep(in, earlier, holders);
            }
            if (earlier == step) {
                return;
            }
        }
    }

    private Run runMessage(TickInputs in, Step step, String container, Set<Integer> areas) {
        Routing.Holder holder = distributor.routing().holder(container);
        boolean whole = holder != null && holder.areaSet().equals(areas);
        int s = distributor.table().setOf(container);
        int[] held = whole ? holder.areas() : SimulatorProtocol.areas(areas);
        long[] epochs = whole ? holder.epochs() : new long[held.length];
        for (int i = 0; !whole && i < held.length; i++) {
            epochs[i] = distributor.table().epoch(s, held[i]);
        }
        if (step == Step.SIMULATE) {
            List<List<AreaCommand>> commands = new ArrayList<>();
            for (int area : held) {
                commands.add(in.commands.of(s, area));
            }
            return new Run(in.tick, step, held, epochs, commands, null, List.of(), new int[0]);
        }
        if (step == Step.DETACH) {
            return new Run(in.tick, step, held, epochs, List.of(), in.plan, List.of(), new int[0]);
        }
        int[] replicate;
        if (whole) {
            replicate = holder.replicated();
        } else {
            Set<Integer> some = new TreeSet<>(distributor.table().replicated(container));
            some.retainAll(areas);
            replicate = SimulatorProtocol.areas(some);
        }
        return new Run(in.tick, step, held, epochs, List.of(), in.plan, in.incoming.get(s), replicate);
    }

    /** The current holders of the given areas of each set. */
    private Map<String, Set<Integer>> holdersOf(Map<Integer, Set<Integer>> areasBySet) {
        Map<String, Set<Integer>> holders = new TreeMap<>();
        distributor.table().activeAreas().forEach((container, areas) -> {
            Set<Integer> wanted = areasBySet.getOrDefault(distributor.table().setOf(container), Set.of());
            Set<Integer> held = new TreeSet<>(areas);
            held.retainAll(wanted);
            if (!held.isEmpty()) {
                holders.put(container, held);
            }
        });
        return holders;
    }

    /**
     * Sends each active's end-of-tick state (mostly deltas) to its passives, one message per passive, and waits for
     * their acknowledgements. A passive that missed its sync, or whose copy no longer fits its active, stops
     * following that area; the distributor then gives it a full copy again before the next tick.
     */
    private void replicate(List<Reply> attached) {
        record Outgoing(int setIndex, List<Replica> replicas) {
        }
        Map<String, Outgoing> byPassive = new TreeMap<>();
        Routing routing = distributor.routing();
        int sized = 0;
        for (Reply reply : attached) {
            sized += reply.ran().sizedAreas().length;
        }
        int[] areas = new int[sized];
        int[] sizes = new int[sized];
        sized = 0;
        for (Reply reply : attached) {
            System.arraycopy(reply.ran().sizedAreas(), 0, areas, sized, reply.ran().sizedAreas().length);
            System.arraycopy(reply.ran().sizes(), 0, sizes, sized, reply.ran().sizes().length);
            sized += reply.ran().sizes().length;
            for (Replica replica : reply.ran().replicas()) {
                for (String passive : routing.passives(reply.setIndex(), replica.area())) {
                    byPassive.computeIfAbsent(passive, p -> new Outgoing(reply.setIndex(), new ArrayList<>()))
                            .replicas().add(replica);
                }
            }
        }
        distributor.recordSizes(areas, sizes);
        Map<String, CompletableFuture<Synced>> sent = new TreeMap<>();
        byPassive.forEach((passive, out) -> sent.put(passive, cluster.request(passive, new Sync(out.replicas()),
                runtime.timeout())));
        sent.forEach((passive, synced) -> {
            Outgoing out = byPassive.get(passive);
            String set = core.sets().get(out.setIndex()).name();
            try {
                for (int area : SimulatorFailure.await(passive, synced).stale()) {
                    LOG.warn("Passive {} of {} area {} no longer matches its active; it gets a full copy", passive,
                            set, area);
                    distributor.passiveFailed(out.setIndex(), area, passive);
                }
            } catch (SimulatorFailure e) {
                LOG.warn("Passive {} of {} areas {} missed its sync: {}", passive, set,
                        out.replicas().stream().map(Replica::area).toList(), e.getMessage());
                for (Replica replica : out.replicas()) {
                    distributor.passiveFailed(out.setIndex(), replica.area(), passive);
                }
            }
        });
    }

    /** The whole world goes back to the latest world view, because an area was lost with no passive. */
    private void rewind() {
        String reason = String.join("; ", distributor.table().lost());
        Optional<WorldView> view = runtime.worldViews().get();
        if (view.isEmpty()) {
            throw new IllegalStateException(reason + "; there is no world view to restore from, so the world "
                    + "cannot go on");
        }
        WorldState restored = WorldViewCodec.decode(core, view.get());
        WorldStatus.Rewind rewind = new WorldStatus.Rewind(tick(), restored.tick(), reason);
        assignAll(restored);
        rewinds.add(rewind);
        LOG.error("World rewound from tick {} to the world view of tick {}: {} tick(s) lost ({})", rewind.fromTick(),
                restored.tick(), rewind.ticksLost(), reason);
    }

    @Override
    public void load(WorldView view) {
        open.requireOpen();
        assignAll(WorldViewCodec.decode(core, view));
    }

    /** Hands every area out afresh from {@code state}, which the world is at from then on. */
    private void assignAll(WorldState state) {
        distributor.awaitSimulators(new int[core.sets().size()]);
        distributor.assignAll(state.partitions(), state.tick());
        restart(state);
    }

    private void killQuietly(String container) {
        try {
            cluster.kill(container);
        } catch (RuntimeException e) {
            LOG.debug("Could not kill unresponsive simulator {}: {}", container, e.toString());
        }
    }

    /** Asks every holder between ticks, recovering from simulators that have gone in the meantime. */
    private <R> Map<String, R> askHolders(Function<int[], SimulatorRequest<R>> message) {
        for (int recovery = 0; ; recovery++) {
            prepare();
            Map<String, CompletableFuture<R>> sent = new TreeMap<>();
            distributor.table().activeAreas().forEach((container, areas) ->
                    sent.put(container, cluster.request(container, message.apply(SimulatorProtocol.areas(areas)),
                            runtime.timeout())));
            Map<String, R> replies = new TreeMap<>();
            List<String> failed = new ArrayList<>();
            for (Map.Entry<String, CompletableFuture<R>> entry : sent.entrySet()) {
                try {
                    replies.put(entry.getKey(),
                            SimulatorFailure.await(entry.getKey(), entry.getValue()));
                } catch (SimulatorFailure e) {
                    if (!e.containerGone() || recovery >= MAX_RECOVERIES) {
                        throw new IllegalStateException("simulator " + entry.getKey() + " did not answer", e);
                    }
                    failed.add(entry.getKey());
                }
            }
            if (failed.isEmpty()) {
                return replies;
            }
            for (String container : failed) {
                distributor.awaitResolution(container);
            }
        }
    }

    @Override
    public long hash() {
        open.requireOpen();
        long[][] sizes = new long[core.sets().size()][geometry.areaCount()];
        long[][] hashes = new long[core.sets().size()][geometry.areaCount()];
        boolean[][] seen = new boolean[core.sets().size()][geometry.areaCount()];
        askHolders(Measure::new).forEach((container, measured) -> {
            int s = distributor.table().setOf(container);
            for (int i = 0; i < measured.areas().length; i++) {
                int area = measured.areas()[i];
                sizes[s][area] = measured.sizes()[i];
                hashes[s][area] = measured.hashes()[i];
                seen[s][area] = true;
            }
        });
        requireComplete(seen);
        return core.hash(sizes, hashes, nextEntityId());
    }

    private void requireComplete(boolean[][] seen) {
        for (int s = 0; s < seen.length; s++) {
            for (int area = 0; area < seen[s].length; area++) {
                if (!seen[s][area]) {
                    throw new IllegalStateException("no simulator answered for " + core.sets().get(s).name() + " area "
                            + area);
                }
            }
        }
    }

    @Override
    public long population() {
        open.requireOpen();
        long population = 0;
        for (WorldStatus.AreaRoles roles : distributor.table().roles()) {
            if (roles.set().equals(core.sets().get(0).name())) {
                population += roles.entities();
            }
        }
        return population;
    }

    /** A holder asked between ticks is gone or going: the read waits for its areas to move, then starts over. */
    private static final class HolderGone extends RuntimeException {
        final String container;

        HolderGone(String container, SimulatorFailure cause) {
            super(cause.getMessage(), cause, false, false);
            this.container = container;
        }
    }

    /**
     * Reads the first set's rows, then the other sets' rows of the same entities, from each area's holder; a holder
     * that stops or crashes meanwhile (a draining simulator server, say) is waited out as in {@link #askHolders}.
     */
    @Override
    protected List<EntityRecord> read(int[] areas, long[] ids, int limit) {
        open.requireOpen();
        for (int recovery = 0; ; recovery++) {
            try {
                return readOnce(areas, ids, limit);
            } catch (HolderGone e) {
                if (recovery >= MAX_RECOVERIES) {
                    throw new IllegalStateException("simulator " + e.container + " did not answer a query: "
                            + e.getMessage(), e.getCause());
                }
                distributor.awaitResolution(e.container);
                prepare();
            }
        }
    }

    private List<EntityRecord> readOnce(int[] areas, long[] ids, int limit) {
        AssignmentTable table = distributor.table();
        EntityRows[] rows = new EntityRows[core.sets().size()];
        for (int s = 0; s < rows.length; s++) {
            Map<String, List<Integer>> byHolder = new TreeMap<>();
            for (int area : areas) {
                String holder = table.active(s, area);
                if (holder == null) {
                    throw new IllegalStateException("no simulator holds " + core.sets().get(s).name() + " area "
                            + area + " right now");
                }
                byHolder.computeIfAbsent(holder, h -> new ArrayList<>()).add(area);
            }
            long[] wanted = s == 0 ? ids : rows[0].ids();
            List<EntityRows> parts = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> holder : byHolder.entrySet()) {
                Inspect inspect = new Inspect(SimulatorProtocol.areas(holder.getValue()), wanted, limit);
                try {
                    parts.add(SimulatorFailure.await(holder.getKey(),
                            cluster.request(holder.getKey(), inspect, runtime.timeout())));
                } catch (SimulatorFailure e) {
                    if (e.containerGone()) {
                        throw new HolderGone(holder.getKey(), e);
                    }
                    throw new IllegalStateException("simulator " + holder.getKey() + " did not answer a query: "
                            + e.getMessage(), e);
                }
            }
            rows[s] = EntityRows.concat(parts, core.sets().get(s).schema());
        }
        return EntityRows.join(core, rows, (s, area) -> table.active(s, area));
    }

    @Override
    public WorldView snapshot() {
        open.requireOpen();
        Partition[][] partitions = new Partition[core.sets().size()][geometry.areaCount()];
        boolean[][] seen = new boolean[core.sets().size()][geometry.areaCount()];
        long tick = tick();
        long progress = SimulatorProtocol.completed(tick);
        askHolders(Copy::new).forEach((container, states) -> {
            int s = distributor.table().setOf(container);
            for (AreaState state : states) {
                if (state.progress() != progress) {
                    throw new IllegalStateException(core.sets().get(s).name() + " area " + state.area() + " is at step "
                            + state.progress() + ", not at the end of tick " + tick);
                }
                partitions[s][state.area()] = Partition.restore(core.sets().get(s), state.snapshot());
                seen[s][state.area()] = true;
            }
        });
        requireComplete(seen);
        return WorldViewCodec.encode(core, state(partitions));
    }

    @Override
    public WorldStatus status() {
        long lost = 0;
        for (WorldStatus.Rewind rewind : rewinds) {
            lost += rewind.ticksLost();
        }
        AssignmentTable table = distributor.table();
        return new WorldStatus(tick(), table.roles(), rejectedBySimulators, table.promotions(), table.migrations(),
                table.moves(), lost, rewinds, commandCounts());
    }

    /** Deletes the simulator ReplicaSets and waits (up to the timeout) until their containers are gone. */
    @Override
    public void close() {
        if (!open.close()) {
            return;
        }
        closing = true;
        if (rebalancer != null) {
            rebalancer.close();
        }
        if (grants != null) {
            grants.close();
        }
        distributor.close();
        for (String replicaSet : setOfReplicaSet.keySet()) {
            try {
                cluster.delete(Kind.REPLICA_SET, replicaSet);
            } catch (RuntimeException e) {
                LOG.warn("Could not delete ReplicaSet {}: {}", replicaSet, e.toString());
            }
        }
        long deadline = cluster.clock().nanoTime() + runtime.timeout().toNanos();
        // Each change of a container releases a permit, and so does the deadline, on the cluster's clock.
        Clock.Scheduled alarm = cluster.clock().schedule(runtime.timeout(), containerChanges::release);
        try {
            while (setOfReplicaSet.keySet().stream().anyMatch(rs -> !cluster.containersOf(rs).isEmpty())) {
                if (cluster.clock().nanoTime() >= deadline) {
                    LOG.warn("Simulator containers still present {} after closing the world", runtime.timeout());
                    break;
                }
                containerChanges.acquire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            alarm.cancel();
            if (watch != null) {
                watch.close();
            }
            distributor.close();
            if (remote != null) {
                remote.close();
            }
        }
    }

    @Override
    public String toString() {
        return "world at tick " + tick() + " on the cluster (" + geometry.rows() + " × " + geometry.cols() + " areas)";
    }
}
