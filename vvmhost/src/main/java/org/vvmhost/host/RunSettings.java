package org.vvmhost.host;

import java.util.List;
import java.util.Objects;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.vvm.VvmSettings;

/**
 * The validated settings of one {@code vvmhost run}.
 *
 * @param etcdEndpoints empty for the embedded in-memory leadership
 * @param host          where this process runs, for the candidate record
 */
record RunSettings(List<String> etcdEndpoints, String election, String instanceId, String host,
                   LeaseSettings lease, VvmSettings vvm, LogFormat logFormat) {

    RunSettings {
        etcdEndpoints = List.copyOf(etcdEndpoints);
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(vvm, "vvm");
        Objects.requireNonNull(logFormat, "logFormat");
    }

    boolean embedded() {
        return etcdEndpoints.isEmpty();
    }
}
