package org.vvmhost.host.drill;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.leadership.etcd.EtcdSettings;

/** What a drill drills: replicas and an etcd cluster it runs itself, or a deployment it did not start. */
public sealed interface DrillTarget {

    /**
     * The drill runs a 3-member etcd cluster of {@code etcdBinary} and its replicas with {@code replicaCommand}
     * followed by {@code run} and its options: the running JVM and class path, so that the replicas are the drill's
     * own version.
     */
    record Local(Path etcdBinary, List<String> replicaCommand) implements DrillTarget {
        public Local {
            Objects.requireNonNull(etcdBinary, "etcdBinary");
            replicaCommand = List.copyOf(replicaCommand);
        }
    }

    /**
     * Replicas someone else runs (Kubernetes, Docker Compose, systemd) on the etcd of {@code etcd}: each kind of round
     * runs its shell command template, in which {@code {host}}, {@code {pid}} and {@code {id}} become the leader's,
     * from its election value. {@code resume} ends a SIGSTOP round ({@code kill -CONT {pid}}), {@code heal} a
     * PARTITION. A SWITCHOVER round needs no template: it asks the leader's advertised API, with {@code apiToken} if
     * the replicas have one.
     */
    record External(EtcdSettings etcd, Map<FaultKind, String> templates, Optional<String> resume,
            Optional<String> heal, Optional<String> apiToken) implements DrillTarget {
        public External {
            Objects.requireNonNull(etcd, "etcd");
            templates = templates.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(templates));
            Objects.requireNonNull(resume, "resume");
            Objects.requireNonNull(heal, "heal");
            Objects.requireNonNull(apiToken, "apiToken");
        }
    }
}
