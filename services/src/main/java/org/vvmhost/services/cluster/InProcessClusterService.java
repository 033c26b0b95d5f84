package org.vvmhost.services.cluster;

import java.util.Objects;
import java.util.function.Supplier;
import org.vvmhost.vvm.Service;

/**
 * The in-process cluster as the first stage of the leader's pipeline: started when the VVM leads, closed (every
 * container and controller stopped and joined) after the stages that run on it have stopped.
 */
public interface InProcessClusterService extends Service {

    /** A service that starts a cluster with {@code options} and {@code functions} each time it starts. */
    static InProcessClusterService create(Supplier<ClusterOptions> options, FunctionRegistry functions) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(functions, "functions");
        return create(() -> Cluster.start(options.get(), functions));
    }

    /**
     * A service that runs the cluster {@code starter} gives each time it starts: a new one, or one a standby started
     * ahead of time and hands over. Either way the service owns it from then on, and closes it when it stops.
     */
    static InProcessClusterService create(Supplier<Cluster> starter) {
        return new ClusterStage(Objects.requireNonNull(starter, "starter"));
    }

    /**
     * The running cluster.
     *
     * @throws IllegalStateException when the service is not running
     */
    Cluster cluster();
}
