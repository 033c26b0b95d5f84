package org.vvmhost.services.world.cluster;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.authority.AreaGrants;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.core.WorldState;
import org.vvmhost.services.world.view.WorldViewCodec;

/** Worlds whose simulators run as containers of an in-process cluster (see {@link ClusterWorld}). */
public final class ClusterWorlds {

    private ClusterWorlds() {
    }

    /** @param runtime names the cluster, the ReplicaSets' prefix, the world views to rewind to and the timeout */
    public static WorldFactory factory(ComponentSetRegistry sets, WorldRuntime runtime) {
        return factory(sets, runtime, core -> null);
    }

    /**
     * Worlds whose simulators run on {@link SimulatorServer}s in other processes: the cluster's simulator
     * containers stand for them, one session each, so that every flow of a local simulator (hand-over, crash,
     * promotion, rewind) applies unchanged. A server that goes away counts as a crash of the simulators it ran.
     * With the runtime's {@link WorldRuntime#grants()}, each world writes the grants of its areas' actives.
     *
     * @param simulatorServers the servers' registrations, read again whenever a simulator starts: a simulator goes to
     *                         a server registered for its component set, one below its capacity first
     */
    public static WorldFactory remote(ComponentSetRegistry sets, WorldRuntime runtime,
                                      Supplier<List<SimulatorRegistration>> simulatorServers) {
        Objects.requireNonNull(simulatorServers, "simulatorServers");
        return factory(sets, runtime, core -> new RemoteSimulators(simulatorServers, core.config(),
                runtime.cluster().orElseThrow().clock(), runtime.timeout(), runtime.name()));
    }

    private static WorldFactory factory(ComponentSetRegistry sets, WorldRuntime runtime,
                                        Function<WorldCore, RemoteSimulators> remote) {
        if (runtime.cluster().isEmpty()) {
            throw new IllegalArgumentException("the runtime names no cluster");
        }
        return new WorldFactory() {
            @Override
            public World create(WorldConfig config) {
                WorldCore core = WorldCore.of(config, sets);
                return start(core, core.spawn());
            }

            @Override
            public World restore(WorldConfig config, WorldView view) {
                WorldCore core = WorldCore.of(config, sets);
                return start(core, WorldViewCodec.decode(core, view));
            }

            private World start(WorldCore core, WorldState state) {
                RemoteSimulators simulators = remote.apply(core);
                AreaGrants grants = simulators == null ? null : runtime.grants()
                        .map(opener -> opener.open(runtime.cluster().orElseThrow().clock())).orElse(null);
                return ClusterWorld.start(core, runtime, state, simulators, grants);
            }
        };
    }
}
