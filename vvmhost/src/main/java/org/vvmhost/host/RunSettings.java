package org.vvmhost.host;

import java.util.Objects;
import java.util.Optional;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.vvm.VvmSettings;

/**
 * The validated settings of one {@code vvmhost run}.
 *
 * @param etcd empty for the embedded in-memory leadership; its election and lease are this run's
 * @param host where this process runs, for the candidate record
 * @param world the world simulation the leader runs, and where its world views go
 * @param http  the HTTP API every replica serves
 * @param failOnMismatch exit (code 2) when this replica's world config does not match the stored world, rather than
 *                       wait, not ready, for a stored world that matches
 */
record RunSettings(Optional<EtcdSettings> etcd, String election, String instanceId, String host,
                   LeaseSettings lease, VvmSettings vvm, LogFormat logFormat, WorldOptions.WorldSettings world,
                   HttpSettings http, boolean failOnMismatch) {

    RunSettings {
        Objects.requireNonNull(etcd, "etcd");
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(vvm, "vvm");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(http, "http");
        if (etcd.isPresent() && !(etcd.get().election().equals(election) && etcd.get().lease().equals(lease))) {
            throw new IllegalArgumentException("the etcd settings must carry this run's election and lease");
        }
    }

    boolean embedded() {
        return etcd.isEmpty();
    }

    /** How to move the stored world views away, so that a fresh world starts: for messages. */
    String freshWorld() {
        if (world.location() instanceof WorldViewLocation.InElection election) {
            String prefix = this.election + "-data/" + election.prefix() + "/";
            return "delete the world views (etcdctl del --prefix " + prefix + ")";
        }
        return "move the world-view-*.bin files out of " + world.location().description().replaceFirst("^file:", "");
    }
}
