package org.vvmhost.services.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Validates each service's selector and keeps its members: the ready containers whose labels match. Any container
 * change may change any service's members, so it queues every service (there are few).
 */
final class ServiceController implements Reconciler {

    private final ResourceStore store;
    private final long seed;
    private final Map<String, Edge> edges;
    private final Set<String> down;
    private final ConcurrentHashMap<String, ServiceEndpoints> endpoints;

    ServiceController(ResourceStore store, ClusterOptions options, Map<String, Edge> edges, Set<String> down,
                      ConcurrentHashMap<String, ServiceEndpoints> endpoints) {
        this.store = store;
        this.seed = options.seed();
        this.edges = edges;
        this.down = down;
        this.endpoints = endpoints;
    }

    @Override
    public void keysOf(WatchEvent event, Consumer<String> queue) {
        if (event.resource() instanceof ClusterService service) {
            queue.accept(service.name());
        } else if (event.resource() instanceof Container) {
            endpoints.keySet().forEach(queue);
            for (ClusterService service : store.list(ClusterService.class)) {
                queue.accept(service.name());
            }
        }
    }

    @Override
    public Iterable<String> allKeys() {
        return Reconciler.withStored(endpoints.keySet(), store, ClusterService.class);
    }

    @Override
    public void reconcile(String name) {
        Optional<ClusterService> stored = store.get(ClusterService.class, name);
        if (stored.isEmpty()) {
            endpoints.remove(name);
            return;
        }
        ClusterService service = stored.get();
        ServiceEndpoints current = endpoints.computeIfAbsent(name,
                n -> new ServiceEndpoints(n, service.balancer(), seed, down));
        current.balancer(service.balancer(), seed);
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
