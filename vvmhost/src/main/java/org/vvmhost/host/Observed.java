package org.vvmhost.host;

import java.util.Objects;
import java.util.Optional;
import org.vvmhost.services.cluster.InProcessClusterService;
import org.vvmhost.services.world.service.HotStandby;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewPreloader;

/**
 * What the HTTP API reads besides the replica's state: the world service, the standby's preloader and warm world, and
 * the cluster.
 * The run hands them over once it has built them, after the HTTP API started, so that an early request cannot make
 * the run build them (and connect to etcd) before it means to.
 */
record Observed(WorldSimulationService world, Optional<WorldViewPreloader> preloader, Optional<HotStandby> hot,
                InProcessClusterService cluster, int backupInterval) {

    Observed {
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(preloader, "preloader");
        Objects.requireNonNull(hot, "hot");
        Objects.requireNonNull(cluster, "cluster");
    }
}
