package org.vvmhost.services.world.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.ClusterException;
import org.vvmhost.services.cluster.ContainerContext;
import org.vvmhost.services.cluster.ContainerFunction;
import org.vvmhost.services.cluster.Request;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.HandOver;
import org.vvmhost.services.world.core.WorldCore;

/**
 * A simulator container whose simulator runs on a {@link SimulatorServer}: it forwards each protocol request to its
 * session there and answers with the reply, so the coordinator cannot tell it from a {@link SimulatorFunction}.
 * A simulator that does not answer (its server is gone, out of reach, or past the deadline) or whose session ends
 * crashes this container, which the coordinator then handles as any crashed simulator; a request the simulator
 * refused fails that request only, as locally. A graceful stop stops the remote simulator, which releases its
 * areas, and hands them to the coordinator. A server that drains has this container stopped gracefully through the
 * cluster, as any graceful stop, so the hand-over happens between the coordinator's ticks.
 */
final class RemoteSimulator implements ContainerFunction {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSimulator.class);

    /** Sent by this container to itself when its session ended: handling it crashes the container. */
    private record Lost(String reason) implements Request<Void> {
    }

    private final RemoteSimulators remote;
    private final WorldCore core;
    private final SimulatorProtocol.Coordinator coordinator;
    private final Duration timeout;
    private final Consumer<String> stopContainer;
    private RemoteSimulators.Session session;
    private int setIndex;

    /** @param stopContainer stops a container of the cluster gracefully, by name ({@code Cluster::stop}) */
    RemoteSimulator(RemoteSimulators remote, WorldCore core, SimulatorProtocol.Coordinator coordinator,
                    Duration timeout, Consumer<String> stopContainer) {
        this.remote = remote;
        this.core = core;
        this.coordinator = coordinator;
        this.timeout = timeout;
        this.stopContainer = stopContainer;
    }

    @Override
    public void start(ContainerContext context) {
        String set = context.config().get(SimulatorFunction.SET);
        setIndex = core.setIndex(set);
        session = remote.open(context.name(), set, reason -> {
            try {
                context.cluster().send(context.name(), new Lost(reason));
            } catch (ClusterException e) {
                // The container is ending already.
            }
        }, reason -> {
            LOG.info("Simulator {} stops gracefully: its simulator server is draining ({})", context.name(), reason);
            try {
                stopContainer.accept(context.name());
            } catch (ClusterException e) {
                // The container is ending already.
            }
        });
    }

    @Override
    public <R> CompletionStage<R> handle(Request<R> request, ContainerContext context) {
        if (request instanceof Lost lost) {
            throw new IllegalStateException("the session of simulator " + session + " ended: " + lost.reason());
        }
        return SimulatorProtocol.reply(request, session::call);
    }

    @Override
    public void stop(ContainerContext context) throws Exception {
        try {
            if (coordinator.closing()) {
                return;
            }
            List<AreaState> states = session.stop();
            LOG.info("Simulator {} is stopping: handing over {} area(s) {}", session,
                    core.sets().get(setIndex).name(), states.stream().map(AreaState::area).toList());
            coordinator.handOverAndWait(new HandOver(context.name(), setIndex, states), context.clock(), timeout);
        } finally {
            session.close();
        }
    }
}
