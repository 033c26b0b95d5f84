package org.vvmhost.services.world.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.ContainerContext;
import org.vvmhost.services.cluster.ContainerFunction;
import org.vvmhost.services.cluster.Request;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.core.AreaCommand;
import org.vvmhost.services.world.core.AreaSnapshot;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.services.world.core.BoundaryPlan;
import org.vvmhost.services.world.core.DeltaTracker;
import org.vvmhost.services.world.core.EntityRows;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.PassiveCopy;
import org.vvmhost.services.world.core.Simulator;
import org.vvmhost.services.world.core.TickEvents;
import org.vvmhost.services.world.core.Transfer;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Ack;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Adopt;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Copy;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Follow;
import org.vvmhost.services.world.cluster.SimulatorProtocol.HandOver;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Inspect;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Measure;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Measured;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Ran;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Release;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Replica;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Reset;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Run;
import org.vvmhost.services.world.cluster.SimulatorProtocol.SimulatorRequest;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Step;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Sync;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Synced;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Unfollow;

/**
 * A component-set simulator as a cluster container: the active areas it holds (a {@link Simulator}), the copies it
 * follows as a passive, and the progress of each. The state lives here only, so a killed container loses it, as a
 * crashed pod would. It knows its world only through the {@link WorldCore} (the config and the sets' code) and its
 * coordinator only through the protocol. On a graceful stop its hook hands every active area to the coordinator
 * and waits until it confirms the hand-over (a passive promoted after an acknowledged sync, or a migration).
 *
 * <p>An active keeps its passives in sync by deltas ({@link DeltaTracker}); it sends an area's full state when it
 * has no delta to give (the first sync, a resent step) and every {@link #FULL_EVERY} ticks, and a checksum every
 * {@link #CHECK_EVERY} ticks, both staggered over the areas so that no tick pays for all of them. A passive keeps
 * each copy as a live partition, so a promotion takes it as it is.
 */
final class SimulatorFunction implements ContainerFunction, SimulatorProtocol.Simulating {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorFunction.class);

    /** The container config key naming the component set. */
    static final String SET = "set";
    /**
     * The container config key naming the simulator as its coordinator knows it, where that is not the container's
     * name: a simulator hosted by a {@link SimulatorServer} for a coordinator in another process.
     */
    static final String NAME = "name";
    /** Ticks between two full states of an area for its passives (30 s at 20 Hz). */
    static final int FULL_EVERY = 600;
    /** Ticks between two checksums of an area's delta (1 s at 20 Hz). */
    static final int CHECK_EVERY = 20;

    /** A copy followed as a passive, at step {@code progress}. */
    private static final class Followed {
        final PassiveCopy copy;
        long progress;

        Followed(PassiveCopy copy, long progress) {
            this.copy = copy;
            this.progress = progress;
        }
    }

    private final WorldCore core;
    private final SimulatorProtocol.Coordinator coordinator;
    private final Duration timeout;
    private final Map<Integer, Long> progress = new HashMap<>();
    private final Map<Integer, Followed> copies = new HashMap<>();
    /** The deltas of the active areas that have passives. */
    private final Map<Integer, DeltaTracker> trackers = new HashMap<>();
    /** The epoch each area of the running step must be held under. */
    private final Map<Integer, Long> epochs = new HashMap<>();
    private long rejected;
    /** The plan of the running tick and its index, built once for its DETACH and ATTACH. */
    private BoundaryPlan indexed;
    private BoundaryPlan.ByArea index;
    private Simulator simulator;
    private ComponentSet set;
    private int setIndex;

    SimulatorFunction(WorldCore core, SimulatorProtocol.Coordinator coordinator, Duration timeout) {
        this.core = core;
        this.coordinator = coordinator;
        this.timeout = timeout;
    }

    @Override
    public void start(ContainerContext context) {
        setIndex = core.setIndex(context.config().get(SET));
        set = core.sets().get(setIndex);
        simulator = new Simulator(context.config().getOrDefault(NAME, context.name()), set, setIndex, this::admit);
    }

    /** A write is admitted under the grant the running step names; anything else is stale. */
    private boolean admit(AuthorityGrant grant) {
        Long current = epochs.get(grant.area());
        if (current != null && current == grant.epoch()) {
            return true;
        }
        rejected++;
        LOG.warn("Rejected a write by {} to {} area {}: its grant {} is not the current one (epoch {})",
                grant.simulator(), grant.set(), grant.area(), grant, current == null ? "none" : current);
        return false;
    }

    @Override
    public <R> CompletionStage<R> handle(Request<R> request, ContainerContext context) {
        return SimulatorProtocol.reply(request, this::handled);
    }

    private <R> R handled(SimulatorRequest<R> request) {
        return request.handledBy(this);
    }

    @Override
    public Ack follow(Follow follow) {
        AreaState state = follow.state();
        follow(state.area(), state.progress(), state.snapshot());
        return Ack.OK;
    }

    private void follow(int area, long progress, AreaSnapshot snapshot) {
        copies.put(area, new Followed(PassiveCopy.of(set, snapshot), progress));
    }

    @Override
    public Synced sync(Sync sync) {
        List<Integer> stale = new ArrayList<>();
        for (Replica replica : sync.replicas()) {
            if (replica.full() != null) {
                follow(replica.area(), replica.progress(), replica.full());
            } else if (!applied(replica)) {
                copies.remove(replica.area());
                stale.add(replica.area());
            }
        }
        return new Synced(SimulatorProtocol.areas(stale));
    }

    /** Whether the delta fitted the copy followed and left it where its active is. */
    private boolean applied(Replica replica) {
        Followed followed = copies.get(replica.area());
        if (followed == null || !followed.copy.apply(replica.delta(), setIndex)) {
            return false;
        }
        followed.progress = replica.progress();
        return true;
    }

    @Override
    public Ack unfollow(Unfollow unfollow) {
        copies.remove(unfollow.area());
        return Ack.OK;
    }

    @Override
    public List<AreaState> copy(Copy copy) {
        List<AreaState> states = new ArrayList<>();
        for (int area : copy.areas()) {
            states.add(copyOf(area));
        }
        return states;
    }

    @Override
    public Measured measure(Measure measure) {
        int[] areas = measure.areas();
        long[] sizes = new long[areas.length];
        long[] hashes = new long[areas.length];
        for (int i = 0; i < areas.length; i++) {
            Partition partition = requireHeld(areas[i]);
            sizes[i] = partition.size();
            hashes[i] = partition.contentHash(setIndex);
        }
        return new Measured(areas, sizes, hashes);
    }

    @Override
    public EntityRows inspect(Inspect inspect) {
        List<Partition> held = new ArrayList<>();
        for (int area : inspect.areas()) {
            held.add(requireHeld(area));
        }
        return EntityRows.read(set.schema(), held, inspect.ids(), inspect.limit());
    }

    @Override
    public Ack reset(Reset reset) {
        for (int area : simulator.areas()) {
            simulator.release(area, 0);
        }
        progress.clear();
        copies.clear();
        trackers.values().forEach(DeltaTracker::stop);
        trackers.clear();
        return Ack.OK;
    }

    @Override
    public Ran run(Run run) {
        List<Integer> missing = new ArrayList<>();
        epochs.clear();
        for (int i = 0; i < run.areas().length; i++) {
            epochs.put(run.areas()[i], run.epochs()[i]);
            if (simulator.partition(run.areas()[i]) == null) {
                missing.add(run.areas()[i]);
            }
        }
        long target = SimulatorProtocol.progress(run.tick(), run.step());
        // ATTACH may follow SIMULATE directly: the coordinator skips DETACH when the tick moved and killed nobody.
        long lowest = run.step() == Step.ATTACH ? SimulatorProtocol.progress(run.tick(), Step.SIMULATE) : target - 1;
        List<Integer> due = new ArrayList<>();
        for (int area : run.areas()) {
            Long done = progress.get(area);
            if (done == null || done >= target) {
                continue;
            }
            if (done < lowest) {
                throw new IllegalStateException(simulator.id() + " is asked for " + run.step() + " of tick "
                        + run.tick() + " on area " + area + ", which is at step " + done + ", not " + lowest);
            }
            due.add(area);
        }
        long rejectedBefore = rejected;
        IntPredicate isDue = due::contains;
        Map<Integer, List<AreaCommand>> commands = new HashMap<>();
        for (int i = 0; i < run.commands().size(); i++) {
            commands.put(run.areas()[i], run.commands().get(i));
        }
        TickEvents events = null;
        List<Transfer> outgoing = List.of();
        switch (run.step()) {
            case SIMULATE -> events = simulator.simulate(run.tick(), core.seed(), core.geometry(), isDue,
                    area -> commands.getOrDefault(area, List.of()));
            case DETACH -> outgoing = simulator.detach(run.plan(), index(run.plan()), isDue);
            case ATTACH -> simulator.attach(run.plan(), index(run.plan()), run.incoming(), core.seed(),
                    core.geometry(), isDue);
        }
        for (int area : due) {
            if (simulator.partition(area) != null) {
                progress.put(area, target);
            } else if (!missing.contains(area)) {
                // The grant went stale during the step: the write was rejected and the partition dropped.
                missing.add(area);
            }
        }
        List<Integer> sized = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Replica> replicas = new ArrayList<>();
        if (run.step() == Step.ATTACH) {
            List<Integer> replicate = SimulatorProtocol.areas(run.replicate());
            for (int area : run.areas()) {
                Partition partition = simulator.partition(area);
                if (partition != null) {
                    sized.add(area);
                    sizes.add(partition.size());
                }
                if (partition != null && replicate.contains(area)) {
                    replicas.add(replicaOf(area, partition));
                } else {
                    untrack(area);
                }
            }
        }
        return new Ran(events, outgoing, SimulatorProtocol.areas(sized), SimulatorProtocol.areas(sizes), replicas,
                SimulatorProtocol.areas(missing), rejected - rejectedBefore);
    }

    /** The area's state for its passives: a delta where the tracker can give one, else the full state. */
    private Replica replicaOf(int area, Partition partition) {
        long done = progress.get(area);
        long tick = done / 3;
        long epoch = simulator.grant(area).epoch();
        DeltaTracker tracker = trackers.get(area);
        long stagger = tick + area + 7L * setIndex;
        if (tracker != null && tracker.live() == partition && tracker.tick() == tick - 1
                && stagger % FULL_EVERY != 0) {
            return new Replica(area, done, null, tracker.next(tick, epoch, setIndex, stagger % CHECK_EVERY == 0));
        }
        untrack(area);
        trackers.put(area, DeltaTracker.start(partition, tick));
        return new Replica(area, done, partition.snapshot(tick, epoch), null);
    }

    private void untrack(int area) {
        DeltaTracker tracker = trackers.remove(area);
        if (tracker != null) {
            tracker.stop();
        }
    }

    private BoundaryPlan.ByArea index(BoundaryPlan plan) {
        if (plan != indexed) {
            index = plan.byArea(core.geometry().areaCount());
            indexed = plan;
        }
        return index;
    }

    @Override
    public Boolean adopt(Adopt adopt) {
        AuthorityGrant grant = adopt.grant();
        Followed followed = copies.remove(grant.area());
        if (followed == null) {
            return false;
        }
        untrack(grant.area());
        simulator.assume(grant, followed.copy.promote());
        progress.put(grant.area(), followed.progress);
        return true;
    }

    @Override
    public AreaState release(Release release) {
        return release(release.area());
    }

    private AreaState release(int area) {
        requireHeld(area);
        untrack(area);
        long done = progress.remove(area);
        return new AreaState(area, done, simulator.release(area, done / 3));
    }

    private AreaState copyOf(int area) {
        Partition partition = requireHeld(area);
        long done = progress.get(area);
        return new AreaState(area, done, partition.snapshot(done / 3, simulator.grant(area).epoch()));
    }

    private Partition requireHeld(int area) {
        Partition partition = simulator.partition(area);
        if (partition == null) {
            throw new IllegalStateException(simulator.id() + " holds no " + set.name() + " area " + area);
        }
        return partition;
    }

    /** The hand-over of a graceful stop: every active area goes to the coordinator, which confirms. */
    @Override
    public void stop(ContainerContext context) throws Exception {
        if (coordinator.closing()) {
            return;
        }
        List<AreaState> states = new ArrayList<>();
        for (int area : simulator.areas()) {
            states.add(release(area));
        }
        LOG.info("Simulator {} is stopping: handing over {} area(s) {}", context.name(), set.name(),
                states.stream().map(AreaState::area).toList());
        coordinator.handOverAndWait(new HandOver(context.name(), setIndex, states), context.clock(), timeout);
    }
}
