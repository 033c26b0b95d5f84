package org.vvmhost.host;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where leadership is decided: options shared by every command that talks to the election. */
final class LeadershipOptions {

    @Option(names = "--etcd-endpoints", paramLabel = "<url>", split = ",",
            description = "etcd endpoints, comma-separated, for example http://etcd-0:2379,http://etcd-1:2379. "
                    + "Unset: the embedded in-memory leadership, for a single process. Env: VVM_ETCD_ENDPOINTS.")
    private List<String> etcdEndpoints = new ArrayList<>();

    @Option(names = "--election", paramLabel = "<name>", defaultValue = "vvmhost",
            description = "The election's name; replicas that share it compete for one leadership. "
                    + "Default: ${DEFAULT-VALUE}. Env: VVM_ELECTION.")
    private String election;

    /** The endpoints given, without blanks; empty means the embedded default. */
    List<String> etcdEndpoints() {
        return etcdEndpoints.stream().map(String::trim).filter(endpoint -> !endpoint.isEmpty()).toList();
    }

    String election() {
        return election;
    }
}
