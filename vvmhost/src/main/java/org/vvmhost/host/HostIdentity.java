package org.vvmhost.host;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** Who this process is: its host name, and an instance id unique per process. */
final class HostIdentity {

    private HostIdentity() {
    }

    /** {@code HOSTNAME} first (containers set it, and it needs no DNS lookup), then the resolver. */
    static String hostName(Environment environment) {
        return environment.get("HOSTNAME").orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "unknown-host";
            }
        });
    }

    /**
     * {@code <host>-<pid>-<random>}: the pid tells apart processes of one host, and the random part tells apart
     * containers that reuse both a host name and a pid (every container's first process is pid 1).
     */
    static String newInstanceId(String host, long pid) {
        return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
