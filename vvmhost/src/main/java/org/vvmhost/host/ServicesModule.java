package org.vvmhost.host;

import dagger.Module;
import dagger.Provides;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.InProcessClusterService;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.authority.AreaGrants;
import org.vvmhost.services.world.authority.SimulatorAuthority;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.service.HotStandby;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.time.Clock;
import org.vvmhost.vvm.Service;

/**
 * The service pipeline the leader runs, built anew for each VVM. The list's order is the start order (stop is the
 * reverse): add a service by taking it as a parameter of {@link #services} and putting it in its place.
 */
@Module
final class ServicesModule {

    private ServicesModule() {
    }

    /**
     * The pipeline is cluster → world simulation → world view: the world's simulators run as containers of the
     * in-process cluster, and the world simulation service writes the world views (a final one as it stops, before
     * the cluster it runs on stops).
     */
    @Provides
    static List<Service> services(InProcessClusterService cluster, WorldSimulationService world) {
        return List.of(cluster, world);
    }

    /** The hot standby's cluster, if it has one, or a new one. */
    @Provides
    @VvmScope
    static InProcessClusterService cluster(Clock clock, Optional<HotStandby> hot) {
        return InProcessClusterService.create(() -> hot.flatMap(HotStandby::takeCluster)
                .orElseGet(() -> newCluster(clock)));
    }

    private static Cluster newCluster(Clock clock) {
        return Cluster.start(ClusterOptions.threaded(clock), FunctionRegistry.create());
    }

    @Provides
    @VvmScope
    static WorldSimulationService world(RunSettings settings, Optional<WorldViewPreloader> preloader,
                                        Optional<HotStandby> hot, Clock clock, InProcessClusterService cluster,
                                        WorldSimulationService.Meters meters, ComponentSetRegistry sets,
                                        Leadership leadership) {
        WorldViewLocation location = settings.world().location();
        boolean remote = settings.world().simulators() == WorldOptions.Simulators.ETCD;
        // A simulator that crashes with no passive rewinds the world to the newest view of the term's store. On
        // simulator processes, the term grants each area to the process that hosts its active; a grant the fence
        // refuses deposes this leader, as a refused world view does.
        return WorldSimulationService.create(settings.world().service(), sets,
                context -> location.open(context, clock), preloader, hot, clock,
                (context, store) -> {
                    WorldRuntime runtime = WorldRuntime.cluster(cluster.cluster()).withWorldViews(store);
                    if (!remote) {
                        return runtime;
                    }
                    SimulatorAuthority authority = SimulatorAuthority.on(leadership.data());
                    return runtime.withSimulatorServers(registeredSimulators(authority, settings.election(),
                                    runtime.timeout()))
                            .withGrants(AreaGrants.through(authority, context.term(), runtime.timeout(),
                                    AreaGrants.DEFAULT_RETRY, context::reportFailure));
                }, meters);
    }

    /**
     * The simulator processes registered now (address, component sets, capacity), read whenever a simulator starts,
     * for the world to place it on one that can run its set and has room. None registered, or etcd not answering,
     * gives none: the world then waits its timeout for a simulator of each set, and fails.
     */
    private static Supplier<List<SimulatorRegistration>> registeredSimulators(SimulatorAuthority authority,
                                                                              String election, Duration timeout) {
        Logger log = LoggerFactory.getLogger(ServicesModule.class);
        return () -> {
            try {
                List<SimulatorRegistration> registered = authority.simulators()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (registered.isEmpty()) {
                    log.warn("no simulator process is registered under {}-data/{}: start vvmhost simulator with "
                            + "--election {} and the same etcd", election, SimulatorAuthority.SIMULATORS, election);
                }
                return registered;
            } catch (ExecutionException | TimeoutException e) {
                log.warn("cannot read the registered simulator processes from etcd: {}", e.toString());
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        };
    }

    @Provides
    static Observed observed(WorldSimulationService world, Optional<WorldViewPreloader> preloader,
                             Optional<HotStandby> hot, InProcessClusterService cluster, RunSettings settings) {
        return new Observed(world, preloader, hot, cluster, settings.world().service().config().backupInterval());
    }

    /**
     * On etcd a replica may wait as a standby: it preloads the newest world view from the election's data. The
     * embedded default leads at once, and a file store has no manifest to watch, so neither preloads.
     */
    @Provides
    @VvmScope
    static Optional<WorldViewPreloader> preloader(RunSettings settings, Leadership leadership, Clock clock) {
        if (!settings.embedded() && settings.world().location() instanceof WorldViewLocation.InElection election) {
            return Optional.of(WorldViewPreloader.start(leadership.data(), election, clock));
        }
        return Optional.empty();
    }

    /**
     * Where a standby preloads, it also keeps the world warm, on a cluster of its own that a new leader's cluster
     * service takes over, unless the simulators run on simulator processes. Should a simulator crash with no passive,
     * it rewinds to the newest view it reads: it writes none.
     */
    @Provides
    @VvmScope
    static Optional<HotStandby> hotStandby(RunSettings settings, Optional<WorldViewPreloader> preloader,
                                           Leadership leadership, Clock clock, ComponentSetRegistry sets) {
        if (settings.world().simulators() == WorldOptions.Simulators.ETCD) {
            // Its simulators would be local, and the leader it becomes would keep them: it only preloads.
            return Optional.empty();
        }
        WorldViewLocation location = settings.world().location();
        return preloader.map(following -> HotStandby.start(following, settings.world().service().config(), sets,
                () -> WorldRuntime.cluster(newCluster(clock)).withWorldViews(location.reader(leadership.data(),
                        clock)), clock));
    }
}
