package org.vvmhost.services.world.cluster;

import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.view.WorldViewCodec;

/** Worlds whose simulators run as containers of an in-process cluster (see {@link ClusterWorld}). */
public final class ClusterWorlds {

    private ClusterWorlds() {
    }

    /** @param runtime names the cluster, the ReplicaSets' prefix, the world views to rewind to and the timeout */
    public static WorldFactory factory(ComponentSetRegistry sets, WorldRuntime runtime) {
        if (runtime.cluster().isEmpty()) {
            throw new IllegalArgumentException("the runtime names no cluster");
        }
        return new WorldFactory() {
            @Override
            public World create(WorldConfig config) {
                WorldCore core = WorldCore.of(config, sets);
                return ClusterWorld.start(core, runtime, core.spawn());
            }

            @Override
            public World restore(WorldConfig config, WorldView view) {
                WorldCore core = WorldCore.of(config, sets);
                return ClusterWorld.start(core, runtime, WorldViewCodec.decode(core, view));
            }
        };
    }
}
