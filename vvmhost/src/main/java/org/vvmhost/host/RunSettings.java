package org.vvmhost.host;

import java.util.Objects;
import java.util.Optional;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.vvm.VvmSettings;

/**
 * The validated settings of one {@code vvmhost run}.
 *
 * @param etcd empty for the embedded in-memory leadership; its election and lease are this run's
 * @param host where this process runs, for the candidate record
 * @param world the world simulation the leader runs, and where its world views go
 * @param http  the HTTP API every replica serves
 */
record RunSettings(Optional<EtcdSettings> etcd, String election, String instanceId, String host,
                   LeaseSettings lease, VvmSettings vvm, LogFormat logFormat, WorldOptions.WorldSettings world,
                   HttpSettings http) {

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
}
