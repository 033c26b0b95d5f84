package org.vvmhost.services.cluster;

import java.util.function.Supplier;
import org.vvmhost.vvm.ServiceContext;

final class ClusterStage implements InProcessClusterService {

    private final Supplier<Cluster> starter;
    private volatile Cluster cluster;

    ClusterStage(Supplier<Cluster> starter) {
        this.starter = starter;
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
        cluster = starter.get();
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
