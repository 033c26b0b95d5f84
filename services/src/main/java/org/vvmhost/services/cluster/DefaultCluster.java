package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.time.Clock;

final class DefaultCluster implements Cluster {

    private static final Logger log = LoggerFactory.getLogger(DefaultCluster.class);
    private static final Duration CONTROLLER_JOIN = Duration.ofSeconds(10);

    private final ClusterOptions options;
    private final FunctionRegistry functions;
    private final ResourceStore store = ResourceStore.create();
    private final ConcurrentHashMap<String, Edge> edges = new ConcurrentHashMap<>();
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, ServiceEndpoints> endpoints = new ConcurrentHashMap<>();
    private final LongAdder undelivered = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ContainerController containers;
    /** The containers', the ReplicaSets' and the services' controllers, in that order. */
    private final List<ControllerLoop> controllers;
    private final FaultInjection faults = new Faults();
    private Subscription watch;

    private DefaultCluster(ClusterOptions options, FunctionRegistry functions) {
        this.options = options;
        this.functions = functions;
        Function<String, SerialExecutor> executors = options.virtual()
                ? name -> SerialExecutor.virtual((VirtualClock) options.clock())
                : SerialExecutor::threaded;
        containers = new ContainerController(store, functions, options, executors.apply("cluster-container-controller"),
                executors, this, edges);
        controllers = List.of(containers.loop(),
                new ControllerLoop("replicaset-controller", executors.apply("cluster-replicaset-controller"), options,
                        new ReplicaSetController(store, options)),
                new ControllerLoop("service-controller", executors.apply("cluster-service-controller"), options,
                        new ServiceController(store, options, edges, down, endpoints)));
    }

    static Cluster start(ClusterOptions options, FunctionRegistry functions) {
        DefaultCluster cluster = new DefaultCluster(options, functions);
        cluster.watch = cluster.store.watch(true, event -> {
            for (ControllerLoop controller : cluster.controllers) {
                controller.onEvent(event);
            }
        });
        cluster.controllers.forEach(ControllerLoop::start);
        return cluster;
    }

    @Override
    public ResourceStore store() {
        return store;
    }

    @Override
    public FunctionRegistry functions() {
        return functions;
    }

    @Override
    public Clock clock() {
        return options.clock();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends Resource> R apply(R resource) {
        for (int attempt = 0; attempt < 16; attempt++) {
            Optional<? extends Resource> current = store.get(resource.getClass(), resource.name());
            if (current.isEmpty()) {
                try {
                    return store.create(resource);
                } catch (AlreadyExistsException e) {
                    continue;
                }
            }
            Resource existing = current.get();
            Resource next = resource.withMetadata(resource.metadata().withResourceVersion(existing.resourceVersion()));
            if (next instanceof Container container && existing instanceof Container old) {
                next = container.withStatus(old.status());
            }
            try {
                return (R) store.update(next);
            } catch (ConflictException | UnknownTargetException e) {
                log.debug("Apply of {} '{}' raced; retrying", resource.kind().manifestName(), resource.name());
            }
        }
        throw new ConflictException(resource.kind().manifestName() + " '" + resource.name()
                + "' kept changing; apply it again");
    }

    @Override
    public List<Resource> apply(List<? extends Resource> resources) {
        List<Resource> applied = new ArrayList<>();
        for (Resource resource : resources) {
            applied.add(apply(resource));
        }
        return applied;
    }

    @Override
    public boolean delete(Kind kind, String name) {
        return store.delete(kind, name);
    }

    @Override
    public void scale(String replicaSet, int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more, not " + replicas);
        }
        for (int attempt = 0; attempt < 16; attempt++) {
            ReplicaSet current = store.get(ReplicaSet.class, replicaSet)
                    .orElseThrow(() -> new UnknownTargetException("no ReplicaSet named '" + replicaSet + "'"));
            try {
                store.update(current.withReplicas(replicas));
                return;
            } catch (ConflictException e) {
                log.debug("Scale of '{}' raced; retrying", replicaSet);
            }
        }
        throw new ConflictException("ReplicaSet '" + replicaSet + "' kept changing; scale it again");
    }

    @Override
    public Optional<Container> container(String name) {
        return store.get(Container.class, name);
    }

    @Override
    public List<Container> containersOf(String replicaSet) {
        return store.list(Container.class).stream().filter(c -> c.owner().equals(replicaSet)).toList();
    }

    @Override
    public Subscription watchContainers(Consumer<WatchEvent> listener) {
        return store.watch(true, event -> {
            if (event.resource() instanceof Container) {
                listener.accept(event);
            }
        });
    }

    @Override
    public void stop(String container) {
        requireContainer(container);
        containers.stop(container);
    }

    @Override
    public void kill(String container) {
        requireContainer(container);
        containers.kill(container, "Killed");
    }

    @Override
    public FaultInjection faults() {
        return faults;
    }

    @Override
    public List<String> routable(String service) {
        ServiceEndpoints found = endpoints.get(service);
        return found == null ? List.of() : found.order();
    }

    @Override
    public Optional<String> serviceProblem(String service) {
        ServiceEndpoints found = endpoints.get(service);
        return found == null || found.problem().isEmpty() ? Optional.empty() : Optional.of(found.problem());
    }

    @Override
    public long undeliveredSends() {
        return undelivered.sum();
    }

    // Messaging

    @Override
    public void send(String container, Request<?> message) {
        sendVia(edgeOf(container), message);
    }

    @Override
    public void sendToService(String service, Request<?> message) {
        sendVia(pick(service), message);
    }

    @Override
    public <R> CompletableFuture<R> request(String container, Request<R> message, Duration timeout) {
        return requestVia(false, container, message, timeout);
    }

    @Override
    public <R> CompletableFuture<R> requestService(String service, Request<R> message, Duration timeout) {
        return requestVia(true, service, message, timeout);
    }

    private void sendVia(Edge edge, Request<?> message) {
        deliver(edge, Envelope.send(message, edge));
    }

    /** A request to a container or through a service; what cannot be delivered fails the future, not the call. */
    private <R> CompletableFuture<R> requestVia(boolean service, String target, Request<R> message, Duration timeout) {
        try {
            Edge edge = service ? pick(target) : edgeOf(target);
            Envelope<R> envelope = Envelope.request(message, edge, timeout, options.clock());
            deliver(edge, envelope);
            return envelope.reply;
        } catch (ClusterException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void deliver(Edge edge, Envelope<?> envelope) {
        edge.acquire();
        long latency = edge.extraLatencyNanos();
        if (latency <= 0) {
            enqueue(edge, envelope);
            return;
        }
        options.clock().schedule(Duration.ofNanos(latency), () -> {
            try {
                enqueue(edge, envelope);
            } catch (ClusterException e) {
                if (envelope.reply == null) {
                    undelivered.increment();
                    log.warn("A delayed send to container '{}' was not delivered: {}", edge.container(),
                            e.getMessage());
                }
            }
        });
    }

    /** Enqueues, or settles the envelope with the error and rethrows it. */
    private void enqueue(Edge edge, Envelope<?> envelope) {
        try {
            ContainerRuntime runtime = edge.runtime();
            if (runtime == null) {
                throw new ContainerUnavailableException("container '" + edge.container() + "' has not started yet");
            }
            runtime.enqueue(envelope);
        } catch (ClusterException e) {
            envelope.fail(e);
            throw e;
        }
    }

    private Edge edgeOf(String container) {
        Edge edge = edges.get(container);
        if (edge != null) {
            return edge;
        }
        Optional<Container> stored = store.get(Container.class, container);
        if (stored.isEmpty()) {
            throw new UnknownTargetException("no container named '" + container + "'");
        }
        throw new ContainerUnavailableException("container '" + container + "' is "
                + stored.get().status().phase() + (stored.get().status().reason().isEmpty() ? ""
                : " (" + stored.get().status().reason() + ")"));
    }

    private Edge pick(String service) {
        ServiceEndpoints found = endpoints.get(service);
        if (found == null) {
            if (store.get(ClusterService.class, service).isEmpty()) {
                throw new UnknownTargetException("no service named '" + service + "'");
            }
            throw new NoRoutableEndpointException("service '" + service + "' has no routable endpoint yet");
        }
        Edge edge = found.pick();
        if (edge == null) {
            String why = found.problem().isEmpty()
                    ? found.memberCount() + " ready container(s) match its selector and none is routable"
                    + (found.memberCount() > 0 ? " (all are marked down)" : "")
                    : found.problem();
            throw new NoRoutableEndpointException("service '" + service + "' has no routable endpoint: " + why);
        }
        return edge;
    }

    private void requireContainer(String container) {
        if (store.get(Container.class, container).isEmpty()) {
            throw new UnknownTargetException("no container named '" + container + "'");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watch.close();
        // The containers' first: it stops the workers, then its loop (closing that loop again below does nothing).
        containers.close();
        for (ControllerLoop controller : controllers) {
            controller.close(CONTROLLER_JOIN);
        }
    }

    /** The cluster's network faults: a view of its edges and services. */
    private final class Faults implements FaultInjection {
        @Override
        public void markDown(String container) {
            requireContainer(container);
            down.add(container);
            for (ServiceEndpoints service : endpoints.values()) {
                service.markDown(container);
            }
        }

        @Override
        public void markUp(String container) {
            requireContainer(container);
            down.remove(container);
            Edge edge = edges.get(container);
            for (ServiceEndpoints service : endpoints.values()) {
                service.markUp(container, edge);
            }
        }

        @Override
        public void addLatency(String container, Duration extra) {
            requireContainer(container);
            edges.computeIfAbsent(container, Edge::new).addLatency(extra.toNanos());
        }
    }
}
