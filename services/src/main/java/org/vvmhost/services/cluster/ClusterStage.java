package org.vvmhost.services.cluster;

import java.util.function.Supplier;
import org.vvmhost.vvm.ServiceContext;

final class ClusterStage implements InProcessClusterService {

    private final Supplier<ClusterOptions> options;
    private final FunctionRegistry functions;
    private volatile Cluster cluster;

    ClusterStage(Supplier<ClusterOptions> options, FunctionRegistry functions) {
        this.options = options;
        this.functions = functions;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public synchronized void start(ServiceContext context) {
        if (cluster != null) {
            throw new IllegalStateException("the cluster is already running");
        }
        cluster = Cluster.start(options.get(), functions);
    }

    @Override
    public synchronized void stop() {
        Cluster running = cluster;
        cluster = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public Cluster cluster() {
        Cluster running = cluster;
        if (running == null) {
            throw new IllegalStateException("the in-process cluster is not running: it runs only while the "
                    + "pipeline that started it leads");
        }
        return running;
    }
}
