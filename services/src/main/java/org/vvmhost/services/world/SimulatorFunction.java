package org.vvmhost.services.world;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.ContainerContext;
import org.vvmhost.services.cluster.ContainerFunction;
import org.vvmhost.services.cluster.Request;
import org.vvmhost.services.world.SimulatorProtocol.Ack;
import org.vvmhost.services.world.SimulatorProtocol.Adopt;
import org.vvmhost.services.world.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.SimulatorProtocol.Copy;
import org.vvmhost.services.world.SimulatorProtocol.Follow;
import org.vvmhost.services.world.SimulatorProtocol.Measure;
import org.vvmhost.services.world.SimulatorProtocol.Measured;
import org.vvmhost.services.world.SimulatorProtocol.Ran;
import org.vvmhost.services.world.SimulatorProtocol.Release;
import org.vvmhost.services.world.SimulatorProtocol.Reset;
import org.vvmhost.services.world.SimulatorProtocol.Run;
import org.vvmhost.services.world.SimulatorProtocol.SimulatorRequest;
import org.vvmhost.services.world.SimulatorProtocol.Step;
import org.vvmhost.services.world.SimulatorProtocol.Unfollow;

/**
 * A component-set simulator as a cluster container: the active areas it holds (a {@link Simulator}), the copies it
 * follows as a passive, and the progress of each. The state lives here only, so a killed container loses it, as a
 * crashed pod would. On a graceful stop its hook hands every active area to the distributor and waits until the
 * distributor confirms the hand-over (a passive promoted after an acknowledged sync, or a migration).
 */
final class SimulatorFunction implements ContainerFunction, SimulatorProtocol.Simulating {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorFunction.class);

    /** The container config key naming the component set. */
    static final String SET = "set";

    private final SimulatorHost host;
    private final Map<Integer, Long> progress = new HashMap<>();
    private final Map<Integer, AreaState> copies = new HashMap<>();
    private Simulator simulator;
    private ComponentSet set;
    private int setIndex;

    SimulatorFunction(SimulatorHost host) {
        this.host = host;
    }

    @Override
    public void start(ContainerContext context) {
        String name = context.config().get(SET);
        setIndex = host.setIndex(name);
        set = host.sets().get(setIndex);
        simulator = new Simulator(context.name(), set, setIndex, host.authority());
    }

    @Override
    public <R> CompletionStage<R> handle(Request<R> request, ContainerContext context) {
        if (!(request instanceof SimulatorRequest<R> simulatorRequest)) {
            throw new IllegalArgumentException("a simulator does not understand " + request);
        }
        try {
            return CompletableFuture.completedFuture(simulatorRequest.handledBy(this));
        } catch (IllegalStateException e) {
            // A request this simulator cannot serve fails that request only; it does not crash the container.
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Ack follow(Follow follow) {
        copies.put(follow.state().area(), follow.state());
        return Ack.OK;
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
        int[] areas = measure.areas().stream().mapToInt(Integer::intValue).toArray();
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
    public Ack reset(Reset reset) {
        for (int area : simulator.areas()) {
            simulator.release(area, 0);
        }
        progress.clear();
        copies.clear();
        return Ack.OK;
    }

    @Override
    public Ran run(Run run) {
        List<Integer> missing = new ArrayList<>();
        for (int area : run.areas()) {
            if (simulator.partition(area) == null) {
                missing.add(area);
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
        TickEvents events = null;
        List<Simulator.Transfer> outgoing = List.of();
        Map<Integer, Integer> sizes = new HashMap<>();
        List<AreaState> replicas = new ArrayList<>();
        switch (run.step()) {
            case SIMULATE -> events = simulator.simulate(run.tick(), host.seed(), host.geometry(), due::contains);
            case DETACH -> outgoing = simulator.detach(run.plan(), due::contains);
            case ATTACH -> simulator.attach(run.plan(), run.incoming(), host.seed(), host.geometry(), due::contains);
        }
        for (int area : due) {
            if (simulator.partition(area) != null) {
                progress.put(area, target);
            } else if (!missing.contains(area)) {
                // The grant went stale during the step: the write was rejected and the partition dropped.
                missing.add(area);
            }
        }
        if (run.step() == Step.ATTACH) {
            for (int area : run.areas()) {
                Partition partition = simulator.partition(area);
                if (partition != null) {
                    sizes.put(area, partition.size());
                    if (run.replicate().contains(area)) {
                        replicas.add(copyOf(area));
                    }
                }
            }
        }
        return new Ran(events, outgoing, sizes, replicas, missing);
    }

    @Override
    public Boolean adopt(Adopt adopt) {
        AuthorityGrant grant = adopt.grant();
        AreaState copy = copies.remove(grant.area());
        if (copy == null) {
            return false;
        }
        simulator.assume(grant, Partition.restore(set, copy.snapshot()));
        progress.put(grant.area(), copy.progress());
        return true;
    }

    @Override
    public AreaState release(Release release) {
        return release(release.area());
    }

    private AreaState release(int area) {
        requireHeld(area);
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

    /** The hand-over of a graceful stop: every active area goes to the distributor, which confirms. */
    @Override
    public void stop(ContainerContext context) throws Exception {
        if (host.closing()) {
            return;
        }
        List<AreaState> states = new ArrayList<>();
        for (int area : simulator.areas()) {
            states.add(release(area));
        }
        LOG.info("Simulator {} is stopping: handing over {} area(s) {}", context.name(), set.name(),
                states.stream().map(AreaState::area).toList());
        CompletableFuture<Void> handedOver = new CompletableFuture<>();
        host.post(new WorkloadDistributor.Leaving(context.name(), setIndex, states, handedOver));
        if (host.closing()) {
            // The world began closing after the check above: its distributor may have drained its notices before
            // this one arrived, and nobody would confirm it. The world does not need the areas any more.
            return;
        }
        handedOver.get(host.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
