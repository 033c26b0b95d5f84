package org.vvmhost.services.world.cluster;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterException;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.ContainerSpec;
import org.vvmhost.services.cluster.ContainerStatus;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.Kind;
import org.vvmhost.services.cluster.Request;
import org.vvmhost.services.cluster.RestartPolicy;
import org.vvmhost.services.cluster.Subscription;
import org.vvmhost.services.cluster.WatchEvent;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.HandOver;
import org.vvmhost.services.world.cluster.SimulatorWire.Call;
import org.vvmhost.services.world.cluster.SimulatorWire.Open;
import org.vvmhost.services.world.cluster.SimulatorWire.SessionEvent;
import org.vvmhost.services.world.cluster.SimulatorWire.Stop;
import org.vvmhost.services.world.cluster.SimulatorWire.Stopped;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.time.Clock;

/**
 * {@link SimulatorServer} on grpc-java over Netty: each session is a {@link SimulatorFunction} container of an
 * in-process cluster that the server owns, and each call is a request to it, so a remote simulator runs the very
 * code of a local one. The Netty event loops are the server's own (named, shut down and awaited on close); calls
 * are handled on them and never block.
 */
final class GrpcSimulatorServer implements SimulatorServer {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcSimulatorServer.class);

    /** One hosted simulator: its container here is {@code id}; {@code name} is its container's at the coordinator. */
    private static final class Session {
        final String id;
        final String name;
        final StreamObserver<SessionEvent> stream;
        final CompletableFuture<Void> running = new CompletableFuture<>();
        final CompletableFuture<List<AreaState>> handedOver = new CompletableFuture<>();
        private boolean opened;
        /** Why the server drains, once it does; told to the coordinator once the session has opened. */
        private String draining;
        private boolean ended;

        Session(String id, String name, StreamObserver<SessionEvent> stream) {
            this.id = id;
            this.name = name;
            this.stream = stream;
        }

        synchronized void opened() {
            if (!ended) {
                opened = true;
                stream.onNext(SessionEvent.opened(id));
                if (draining != null) {
                    stream.onNext(new SessionEvent(id, draining));
                }
            }
        }

        /** Asks the coordinator (once) to stop this simulator gracefully, right away or as soon as it opened. */
        synchronized void drain(String reason) {
            if (!ended && draining == null) {
                draining = reason;
                if (opened) {
                    stream.onNext(new SessionEvent(id, reason));
                }
            }
        }

        /** Ends the session's call (once), telling the coordinator why. */
        synchronized void end(Status status) {
            if (!ended) {
                ended = true;
                stream.onError(status.asRuntimeException());
            }
        }
    }

    private final ComponentSetRegistry sets;
    private final InetSocketAddress bind;
    private final Clock clock;
    private final Duration timeout;
    private final List<BindableService> services;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong sessionIds = new AtomicLong();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Why the server drains (set once), and the end of its drain: when no session is left. */
    private final AtomicReference<String> draining = new AtomicReference<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** The simulator image of each world served so far (images cannot be unregistered; worlds are few). */
    private final Map<WorldConfig, Image> images = new ConcurrentHashMap<>();
    private final AtomicLong imageIds = new AtomicLong();
    private final SimulatorProtocol.Coordinator line = new SimulatorProtocol.Coordinator() {
        @Override
        public CompletableFuture<Void> handOver(HandOver handOver) {
            Session session = sessions.get(handOver.container());
            if (session == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("session " + handOver.container()
                        + " has ended"));
            }
            session.handedOver.complete(handOver.states());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean closing() {
            return closed.get();
        }
    };
    private volatile Cluster cluster;
    private volatile Subscription watch;
    private volatile Server server;
    private volatile EventLoopGroup boss;
    private volatile EventLoopGroup workers;

    GrpcSimulatorServer(ComponentSetRegistry sets, InetSocketAddress bind, Clock clock, Duration timeout,
                        List<BindableService> services) {
        this.sets = Objects.requireNonNull(sets, "sets");
        this.bind = Objects.requireNonNull(bind, "bind");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.services = List.copyOf(services);
    }

    @Override
    public SimulatorServer start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("a simulator server starts once, and not after it was closed");
        }
        cluster = Cluster.start(ClusterOptions.threaded(clock).withStopGracePeriod(timeout), FunctionRegistry.create());
        watch = cluster.watchContainers(this::onContainer);
        boss = SimulatorWire.eventLoops(1, "simulator-server-accept");
        workers = SimulatorWire.eventLoops(2, "simulator-server-io");
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SimulatorWire.SERVICE)
                .addMethod(SimulatorWire.OPEN, ServerCalls.asyncServerStreamingCall(this::open))
                .addMethod(SimulatorWire.STOP, ServerCalls.asyncUnaryCall(this::stop));
        for (MethodDescriptor<Call<?>, Object> method : SimulatorWire.CALLS.values()) {
            service.addMethod(method, ServerCalls.asyncUnaryCall(this::call));
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(bind)
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .directExecutor()
                .maxInboundMessageSize(SimulatorWire.MAX_MESSAGE_BYTES)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                // A coordinator that vanished without closing its connection loses its sessions within this.
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .addService(service.build());
        services.forEach(builder::addService);
        server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot listen for simulator sessions on " + bind + ": " + e.getMessage()
                    + "; choose a free address and port", e);
        }
        LOG.info("Simulator server listening on port {}", server.getPort());
        return this;
    }

    @Override
    public int port() {
        Server listening = server;
        if (listening == null) {
            throw new IllegalStateException("the simulator server has not started");
        }
        return listening.getPort();
    }

    @Override
    public List<String> simulators() {
        return sessions.values().stream().map(session -> session.name).sorted().toList();
    }

    /** Runs on the cluster's watch thread: a simulator that ended ends its session. */
    private void onContainer(WatchEvent event) {
        Container container = (Container) event.resource();
        Session session = sessions.get(container.metadata().name());
        if (session == null) {
            return;
        }
        ContainerStatus status = container.status();
        if (event.type() == WatchEvent.Type.DELETED || status.isEnded()) {
            drop(session, Status.UNAVAILABLE.withDescription("simulator " + session.name + " ended: "
                    + status.phase() + " " + status.reason()));
        } else if (status.phase() == ContainerStatus.Phase.RUNNING && status.ready()) {
            session.running.complete(null);
        }
    }

    private void open(Open open, StreamObserver<SessionEvent> stream) {
        Optional<String> refusal = refusal();
        if (refusal.isPresent()) {
            stream.onError(Status.UNAVAILABLE.withDescription(refusal.get()).asRuntimeException());
            return;
        }
        Image image;
        try {
            image = imageOf(open.config());
            image.core().setIndex(open.set());
        } catch (RuntimeException e) {
            stream.onError(Status.INVALID_ARGUMENT.withDescription("this simulator server cannot simulate component "
                    + "set '" + open.set() + "': " + e.getMessage()).asRuntimeException());
            return;
        }
        Session session = new Session(open.name() + "-" + sessionIds.incrementAndGet(), open.name(), stream);
        ((ServerCallStreamObserver<SessionEvent>) stream).setOnCancelHandler(() ->
                drop(session, Status.CANCELLED.withDescription("the coordinator ended the session")));
        sessions.put(session.id, session);
        // Again after the put: a drain or close that began meanwhile may not have seen this session.
        refusal = refusal();
        if (refusal.isPresent()) {
            drop(session, Status.UNAVAILABLE.withDescription(refusal.get()));
            return;
        }
        cluster.apply(Container.of(session.id, Map.of(), ContainerSpec.of(image.name())
                .withRestartPolicy(RestartPolicy.NEVER)
                .withConfig(Map.of(SimulatorFunction.SET, open.set(), SimulatorFunction.NAME, open.name()))));
        if (sessions.get(session.id) != session) {
            // Dropped (the coordinator cancelled, or the server began closing) before its simulator existed.
            remove(session.id);
            return;
        }
        clock.orTimeout(session.running, timeout, "simulator " + open.name() + " did not start")
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        session.opened();
                        LOG.info("Simulator {} of {} started as {}", open.name(), open.set(), session.id);
                    } else {
                        drop(session, Status.UNAVAILABLE.withDescription(failure.getMessage()));
                    }
                });
    }

    /** Why a new session is refused, if it is: the server is closing or draining. */
    private Optional<String> refusal() {
        if (closed.get()) {
            return Optional.of("the simulator server is closing");
        }
        String reason = draining.get();
        return reason == null ? Optional.empty() : Optional.of("this simulator server is draining (" + reason
                + ") and takes no new sessions; open the session on another simulator server");
    }

    @Override
    public CompletableFuture<Void> drain(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (draining.compareAndSet(null, reason)) {
            LOG.info("Simulator server draining ({}): asking the coordinators to stop {} simulator(s) gracefully",
                    reason, sessions.size());
        }
        for (Session session : sessions.values()) {
            session.drain(draining.get());
        }
        completeIfDrained();
        return drained.copy();
    }

    private void completeIfDrained() {
        if (draining.get() != null && sessions.isEmpty() && drained.complete(null)) {
            LOG.info("Simulator server drained: no session is left");
        }
    }

    private record Image(String name, WorldCore core) {
    }

    /** Registers the simulator image of the world of {@code config} on first use; validates the config's sets. */
    private Image imageOf(WorldConfig config) {
        return images.computeIfAbsent(config, c -> {
            WorldCore core = WorldCore.of(c, sets);
            String name = "simulator-" + imageIds.incrementAndGet();
            cluster.functions().register(name, () -> new SimulatorFunction(core, line, timeout));
            return new Image(name, core);
        });
    }

    /**
     * Ends a session: its simulator is killed (it hands nothing over), what waits for it fails (which cancels its
     * timers), and its call ends with {@code status}.
     */
    private void drop(Session session, Status status) {
        if (sessions.remove(session.id, session)) {
            remove(session.id);
        }
        session.running.completeExceptionally(status.asRuntimeException());
        session.handedOver.completeExceptionally(status.asRuntimeException());
        session.end(status);
        completeIfDrained();
    }

    /** Kills the simulator container {@code id} (if it still runs) and deletes it (if it exists). */
    private void remove(String id) {
        try {
            cluster.kill(id);
        } catch (ClusterException e) {
            LOG.debug("Simulator {} was not running: {}", id, e.toString());
        }
        cluster.delete(Kind.CONTAINER, id);
    }

    private void stop(Stop stop, StreamObserver<Stopped> reply) {
        Session session = sessions.get(stop.session());
        if (session == null) {
            reply.onError(unknown(stop.session()));
            return;
        }
        cluster.stop(session.id);
        clock.orTimeout(session.handedOver, timeout, "simulator " + session.name + " did not hand over")
                .whenComplete((states, failure) -> {
                    if (failure != null) {
                        reply.onError(statusOf(failure).asRuntimeException());
                    } else {
                        reply.onNext(new Stopped(states));
                        reply.onCompleted();
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private void call(Call<?> call, StreamObserver<Object> reply) {
        Session session = sessions.get(call.session());
        if (session == null) {
            reply.onError(unknown(call.session()));
            return;
        }
        cluster.request(session.id, (Request<Object>) call.request(), timeout).whenComplete((value, failure) -> {
            if (failure != null) {
                reply.onError(statusOf(failure).asRuntimeException());
            } else {
                reply.onNext(value);
                reply.onCompleted();
            }
        });
    }

    private static RuntimeException unknown(String session) {
        return Status.NOT_FOUND.withDescription("no simulator session " + session + " here: it ended, or this "
                + "simulator server restarted").asRuntimeException();
    }

    /**
     * A request the simulator refused (it names an area the simulator does not hold, say) is a precondition that
     * failed; anything else means the simulator is gone or going.
     */
    private static Status statusOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof StatusRuntimeException ended) {
            return ended.getStatus();
        }
        if (cause instanceof IllegalStateException) {
            return Status.FAILED_PRECONDITION.withDescription(cause.getMessage());
        }
        if (cause instanceof TimeoutException) {
            return Status.DEADLINE_EXCEEDED.withDescription(cause.getMessage());
        }
        return Status.UNAVAILABLE.withDescription(cause.toString());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Server listening = server;
        if (listening != null) {
            // Ends every session's call: coordinators see their simulators crash, as with a killed process.
            listening.shutdownNow();
            awaitTermination(listening);
        }
        for (Session session : sessions.values()) {
            drop(session, Status.UNAVAILABLE.withDescription("the simulator server is closing"));
        }
        if (watch != null) {
            watch.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        SimulatorWire.shutdown(workers, timeout);
        SimulatorWire.shutdown(boss, timeout);
        LOG.info("Simulator server closed");
    }

    private void awaitTermination(Server listening) {
        try {
            if (!listening.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("The simulator server's calls did not end within {}", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
