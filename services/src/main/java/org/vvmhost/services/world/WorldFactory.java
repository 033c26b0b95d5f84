package org.vvmhost.services.world;

import java.util.Objects;
import org.vvmhost.services.world.cluster.ClusterWorlds;
import org.vvmhost.services.world.local.LocalWorlds;

/**
 * Makes worlds whose simulators run where a {@link WorldRuntime} says: on threads of the world itself, or as
 * containers of an in-process cluster.
 *
 * <pre>{@code
 * WorldFactory worlds = WorldFactory.of(ComponentSetRegistry.builtIn(), WorldRuntime.threads(2));
 * try (World world = worlds.create(WorldConfig.defaults())) {
 *     world.step();
 * }
 * }</pre>
 */
public interface WorldFactory {

    /**
     * Spawns the world of {@code config} at tick 0. On a cluster, this waits (up to the runtime's timeout) until
     * every set has at least one simulator container running.
     *
     * @throws WorldConfigException if the config names a component set that the registry lacks
     */
    World create(WorldConfig config);

    /**
     * Brings back the world saved in {@code view}, at the view's tick.
     *
     * @throws WorldViewException if the view is corrupt, or was written for another world (the message names the
     *     config field that differs)
     */
    World restore(WorldConfig config, WorldView view);

    /** Worlds of the sets in {@code sets}, their simulators running where {@code runtime} says. */
    static WorldFactory of(ComponentSetRegistry sets, WorldRuntime runtime) {
        Objects.requireNonNull(sets, "sets");
        if (runtime.simulatorServers().isPresent()) {
            return ClusterWorlds.remote(sets, runtime, runtime.simulatorServers().get());
        }
        return runtime.cluster().isPresent() ? ClusterWorlds.factory(sets, runtime)
                : LocalWorlds.factory(sets, runtime.threads());
    }
}
