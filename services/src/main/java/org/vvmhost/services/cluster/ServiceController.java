package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates each service's selector and keeps its members: the ready containers whose labels match. Any container
 * change may change any service's members, so it queues every service (there are few).
 */
final class ServiceController {

    private final ResourceStore store;
    private final ClusterOptions options;
    private final Map<String, Edge> edges;
    private final Set<String> down;
    private final ConcurrentHashMap<String, ServiceEndpoints> endpoints;
    private final ControllerLoop loop;

    ServiceController(ResourceStore store, ClusterOptions options, SerialExecutor executor, Map<String, Edge> edges,
                      Set<String> down, ConcurrentHashMap<String, ServiceEndpoints> endpoints) {
        this.store = store;
        this.options = options;
        this.edges = edges;
        this.down = down;
        this.endpoints = endpoints;
        this.loop = new ControllerLoop("service-controller", executor, options.clock(), options.resyncPeriod(),
                this::reconcile, this::allKeys);
    }

    void start() {
        loop.start();
    }

    void onEvent(WatchEvent event) {
        if (event.resource() instanceof ClusterService service) {
            loop.enqueue(service.name());
        } else if (event.resource() instanceof Container) {
            for (String service : endpoints.keySet()) {
                loop.enqueue(service);
            }
            for (ClusterService service : store.list(ClusterService.class)) {
                loop.enqueue(service.name());
            }
        }
    }

    void close(Duration timeout) {
        loop.close(timeout);
    }

    private Iterable<String> allKeys() {
        Set<String> keys = new HashSet<>(endpoints.keySet());
        for (ClusterService service : store.list(ClusterService.class)) {
            keys.add(service.name());
        }
        return keys;
    }

    private void reconcile(String name) {
        Optional<ClusterService> stored = store.get(ClusterService.class, name);
        if (stored.isEmpty()) {
            endpoints.remove(name);
            return;
        }
        ClusterService service = stored.get();
        ServiceEndpoints current = endpoints.computeIfAbsent(name,
                n -> new ServiceEndpoints(n, service.balancer(), options.seed(), down));
        current.balancer(service.balancer(), options.seed());
        Optional<String> problem = Labels.selectorProblem(service.selector());
        if (problem.isPresent()) {
            current.problem("spec.selector " + problem.get());
            current.members(Map.of());
            return;
        }
        current.problem("");
        Map<String, Edge> members = new LinkedHashMap<>();
        for (Container container : store.list(Container.class)) {
            if (container.status().ready() && service.selects(container.labels())) {
                Edge edge = edges.get(container.name());
                if (edge != null) {
                    members.put(container.name(), edge);
                }
            }
        }
        current.members(members);
    }
}
