package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops container workers so that each stored container has one (unless it has ended for good), and
 * records what happened in the container's status. The restart policy is applied here, after a backoff.
 *
 * <p>The map of workers is touched only on this controller's executor. Edges (what services route to) are shared
 * with the cluster and are created with the first worker of a container and removed with the container.
 */
final class ContainerController implements Reconciler, ContainerRuntime.ExitListener {

    private static final Logger log = LoggerFactory.getLogger(ContainerController.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final ResourceStore store;
    private final FunctionRegistry functions;
    private final ClusterOptions options;
    private final Function<String, SerialExecutor> workerExecutors;
    private final Messaging messaging;
    private final Map<String, Edge> edges;
    private final ControllerLoop loop;
    private final Map<String, ContainerRuntime> workers = new HashMap<>();
    private final Set<String> restartPending = new HashSet<>();
    private final Map<String, Integer> starts = new ConcurrentHashMap<>();
    /** Set by close: a restart or resync after the workers were told to stop must not start new ones. */
    private volatile boolean closing;

    ContainerController(ResourceStore store, FunctionRegistry functions, ClusterOptions options,
                        SerialExecutor executor, Function<String, SerialExecutor> workerExecutors,
                        Messaging messaging, Map<String, Edge> edges) {
        this.store = store;
        this.functions = functions;
        this.options = options;
        this.workerExecutors = workerExecutors;
        this.messaging = messaging;
        this.edges = edges;
        this.loop = new ControllerLoop("container-controller", executor, options, this);
    }

    /** The loop that runs this controller: started and fed by the cluster, closed by {@link #close}. */
    ControllerLoop loop() {
        return loop;
    }

    @Override
    public void keysOf(WatchEvent event, Consumer<String> queue) {
        if (event.resource() instanceof Container container) {
            queue.accept(container.name());
        }
    }

    @Override
    public Iterable<String> allKeys() {
        return Reconciler.withStored(workers.keySet(), store, Container.class);
    }

    /** Graceful stop of the current worker; its restart policy applies afterwards. */
    void stop(String name) {
        loop.run(() -> {
            ContainerRuntime worker = workers.get(name);
            if (worker != null && worker.state() != ContainerRuntime.State.ENDED) {
                updateStatus(name, c -> c.status().phase() == ContainerStatus.Phase.RUNNING
                        ? c.withStatus(new ContainerStatus(ContainerStatus.Phase.RUNNING, false, "Stopping",
                                c.status().restarts()))
                        : c);
                worker.stopGracefully();
            }
        });
    }

    /** Ungraceful end of the current worker; its restart policy applies afterwards. */
    void kill(String name, String reason) {
        loop.run(() -> {
            ContainerRuntime worker = workers.get(name);
            if (worker != null) {
                worker.kill(reason);
            }
        });
    }

    @Override
    public void reconcile(String name) {
        Optional<Container> stored = store.get(Container.class, name);
        ContainerRuntime worker = workers.get(name);
        if (stored.isEmpty()) {
            if (worker != null) {
                worker.stopGracefully();
            } else {
                edges.remove(name);
            }
            return;
        }
        Container container = stored.get();
        if (worker != null) {
            if (!worker.spec().equals(container.spec())) {
                worker.stopGracefully();
            }
            return;
        }
        ContainerStatus status = container.status();
        switch (status.phase()) {
            case PENDING -> startWorker(container);
            case RUNNING -> updateStatus(name, c -> c.status().phase() == ContainerStatus.Phase.RUNNING
                    ? c.withStatus(new ContainerStatus(ContainerStatus.Phase.FAILED, false, "Lost: no worker",
                            c.status().restarts()))
                    : c);
            case TERMINATED, FAILED -> {
                if (container.spec().restartPolicy().restarts(status.phase()) && restartPending.add(name)) {
                    options.clock().schedule(options.restartBackoff(), () -> loop.run(() -> restart(name)));
                }
            }
        }
    }

    private void restart(String name) {
        restartPending.remove(name);
        if (workers.containsKey(name)) {
            return;
        }
        updateStatus(name, c -> c.status().isEnded() && c.spec().restartPolicy().restarts(c.status().phase())
                ? c.withStatus(new ContainerStatus(ContainerStatus.Phase.PENDING, false, "Restarting",
                        c.status().restarts() + 1))
                : c);
    }

    private void startWorker(Container container) {
        if (closing) {
            return;
        }
        String name = container.name();
        Optional<ContainerFunction> function = functions.instantiate(container.spec().image());
        if (function.isEmpty()) {
            updateStatus(name, c -> c.withStatus(new ContainerStatus(ContainerStatus.Phase.FAILED, false,
                    "UnknownImage: no function is registered for image '" + container.spec().image()
                            + "'; register one with FunctionRegistry.register", c.status().restarts())));
            return;
        }
        int start = starts.merge(name, 1, Integer::sum);
        long seed = options.seed() * 31 + start;
        ContainerRuntime worker = new ContainerRuntime(container, function.get(),
                workerExecutors.apply("container-" + name),
                Mailbox.of(container.spec().mailboxCapacity(), options.virtual()), options.clock(),
                options.stopGracePeriod(), messaging, seed, this);
        workers.put(name, worker);
        edges.computeIfAbsent(name, Edge::new).runtime(worker);
        worker.start();
    }

    @Override
    public void onRunning(ContainerRuntime worker) {
        loop.run(() -> {
            if (workers.get(worker.name()) == worker && worker.state() == ContainerRuntime.State.RUNNING) {
                updateStatus(worker.name(), c -> c.withStatus(new ContainerStatus(ContainerStatus.Phase.RUNNING,
                        true, "Started", c.status().restarts())));
            }
        });
    }

    @Override
    public void onExit(ContainerRuntime worker, ContainerStatus.Phase phase, String reason) {
        loop.run(() -> {
            if (workers.get(worker.name()) != worker) {
                return;
            }
            workers.remove(worker.name());
            if (!worker.awaitTermination(JOIN_TIMEOUT)) {
                log.warn("The thread of container '{}' did not end within {}", worker.name(), JOIN_TIMEOUT);
            }
            boolean specChanged = store.get(Container.class, worker.name())
                    .map(c -> !c.spec().equals(worker.spec())).orElse(false);
            if (specChanged) {
                updateStatus(worker.name(), c -> c.withStatus(new ContainerStatus(ContainerStatus.Phase.PENDING,
                        false, "SpecChanged", c.status().restarts())));
            } else {
                updateStatus(worker.name(), c -> c.withStatus(new ContainerStatus(phase, false, reason,
                        c.status().restarts())));
            }
            reconcile(worker.name());
        });
    }

    /** Read-modify-write of a container, retried on conflicts; a vanished container is left alone. */
    private void updateStatus(String name, UnaryOperator<Container> change) {
        for (int attempt = 0; attempt < 16; attempt++) {
            Optional<Container> current = store.get(Container.class, name);
            if (current.isEmpty()) {
                return;
            }
            Container changed = change.apply(current.get());
            if (changed.equals(current.get())) {
                return;
            }
            try {
                store.update(changed);
                return;
            } catch (ConflictException e) {
                log.debug("Status of '{}' changed under us; retrying", name);
            }
        }
        throw new ConflictException("could not update the status of container '" + name + "' after 16 tries");
    }

    /** Stops every worker gracefully (killing those that overrun the grace period), then the loop. */
    void close() {
        closing = true;
        List<ContainerRuntime> running = new ArrayList<>();
        Runnable stopAll = () -> {
            running.addAll(workers.values());
            for (ContainerRuntime worker : running) {
                worker.stopGracefully();
            }
        };
        if (options.virtual()) {
            // Let the stops play out in virtual time; overrunning workers are killed when the grace period ends.
            stopAll.run();
            ((VirtualClock) options.clock()).runFor(options.stopGracePeriod());
        } else {
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            loop.run(() -> {
                stopAll.run();
                done.complete(null);
            });
            try {
                done.get(JOIN_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.warn("Could not ask the workers to stop: {}", e.toString());
            }
        }
        for (ContainerRuntime worker : running) {
            if (!worker.awaitTermination(options.stopGracePeriod())) {
                worker.kill("ClusterClosed: not stopped within the grace period");
                worker.awaitTermination(JOIN_TIMEOUT);
            }
        }
        loop.close(JOIN_TIMEOUT);
    }
}
