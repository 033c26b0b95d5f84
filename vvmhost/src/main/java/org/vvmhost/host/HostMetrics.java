package org.vvmhost.host;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.ContainerStatus;
import org.vvmhost.services.cluster.InProcessClusterService;

/**
 * The run's meter registry, exported in Prometheus' text format: the JVM's and the process's meters, and the
 * in-process cluster's containers, besides what the world service and the replica's status record. Closing it
 * stops the GC listener and the registry.
 */
final class HostMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    HostMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Containers by phase, and their restarts, read when scraped from the cluster of the VVM that runs now (0 while
     * none runs).
     */
    void observeCluster(Supplier<Optional<InProcessClusterService>> current) {
        for (ContainerStatus.Phase phase : ContainerStatus.Phase.values()) {
            Gauge.builder("vvmhost.cluster.containers", current,
                            c -> containers(c).stream().filter(x -> x.status().phase() == phase).count())
                    .strongReference(true)
                    .tag("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Containers of the in-process cluster, by phase")
                    .register(registry);
        }
        Gauge.builder("vvmhost.cluster.container.restarts", current,
                        c -> containers(c).stream().mapToLong(x -> x.status().restarts()).sum())
                .strongReference(true)
                .description("Restarts of the cluster's current containers under their restart policy")
                .register(registry);
    }

    private static List<Container> containers(Supplier<Optional<InProcessClusterService>> current) {
        Optional<InProcessClusterService> service = current.get();
        if (service.isEmpty()) {
            return List.of();
        }
        Cluster cluster;
        try {
            cluster = service.get().cluster();
        } catch (IllegalStateException e) {
            return List.of(); // not leading: no cluster runs
        }
        return cluster.store().list(Container.class);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
