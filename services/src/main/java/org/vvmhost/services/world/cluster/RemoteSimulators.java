package org.vvmhost.services.world.cluster;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.authority.SimulatorRegistration;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.SimulatorRequest;
import org.vvmhost.services.world.cluster.SimulatorWire.Call;
import org.vvmhost.services.world.cluster.SimulatorWire.Open;
import org.vvmhost.services.world.cluster.SimulatorWire.SessionEvent;
import org.vvmhost.services.world.cluster.SimulatorWire.Stop;
import org.vvmhost.time.Clock;

/**
 * A world's line to its simulator servers ({@link SimulatorServer}): a gRPC channel per server, and a session per
 * simulator container of the world ({@link RemoteSimulator}). A new session goes to a reachable server registered
 * for its component set, one below its capacity first, with the fewest sessions of that set, then the fewest in
 * all, so that an area's active and its passives land on different servers whenever there are enough of them. Every
 * call has a deadline of the world's timeout; the session's own call stays open for its life and tells either side
 * when the other is gone, and the coordinator when the server drains: a draining server is tried last, until it is no
 * longer listed.
 */
final class RemoteSimulators implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSimulators.class);

    /** A simulator's session on a server; closing it ends the session there. */
    final class Session {
        private final String name;
        private final String set;
        private final String target;
        private final ManagedChannel channel;
        private final ClientCall<Open, SessionEvent> open;
        private volatile String id;
        private volatile boolean closed;

        private Session(String name, String set, String target, ManagedChannel channel) {
            this.name = name;
            this.set = set;
            this.target = target;
            this.channel = channel;
            this.open = channel.newCall(SimulatorWire.OPEN, CallOptions.DEFAULT);
        }

        /**
         * Opens the session; {@code lost} hears, once, why a session that was open ended without our asking, and
         * {@code draining} why its server drains. Both are called on a network thread: never block.
         */
        private void open(WorldConfig config, Consumer<String> lost, Consumer<String> draining)
                throws ExecutionException {
            CompletableFuture<String> opened = new CompletableFuture<>();
            ClientCalls.asyncServerStreamingCall(open, new Open(name, set, config), new StreamObserver<>() {
                @Override
                public void onNext(SessionEvent value) {
                    if (value.draining() == null) {
                        opened.complete(value.session());
                    } else {
                        synchronized (RemoteSimulators.this) {
                            drainingTargets.add(target);
                        }
                        draining.accept(value.draining());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    ended(describe(Status.fromThrowable(t)));
                }

                @Override
                public void onCompleted() {
                    ended("the simulator server ended the session");
                }

                private void ended(String why) {
                    if (!opened.completeExceptionally(new IllegalStateException(why)) && !closed) {
                        lost.accept(why);
                    }
                }
            });
            try {
                id = clock.orTimeout(opened, timeout, "the simulator server did not open a session").get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while opening simulator " + name, e);
            } catch (ExecutionException e) {
                close();
                throw e;
            }
        }

        /**
         * The simulator's reply to {@code request}.
         *
         * @throws IllegalStateException   if the simulator refused the request
         * @throws StatusRuntimeException  if it did not answer: it is gone, or out of reach
         */
        <R> R call(SimulatorRequest<R> request) {
            try {
                return ClientCalls.blockingUnaryCall(channel, SimulatorWire.call(request), deadline(),
                        new Call<>(id, request));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                    throw new IllegalStateException(e.getStatus().getDescription(), e);
                }
                throw e;
            }
        }

        /** Stops the simulator gracefully: its active areas, released. */
        List<AreaState> stop() {
            return ClientCalls.blockingUnaryCall(channel, SimulatorWire.STOP, deadline(), new Stop(id)).states();
        }

        /** Ends the session, and with it the simulator on the server. Idempotent. */
        void close() {
            closed = true;
            open.cancel("the simulator's container ended", null);
            synchronized (RemoteSimulators.this) {
                sessions.remove(name, this);
            }
        }

        @Override
        public String toString() {
            return name + " on " + target;
        }
    }

    /** A status as people read it: its code and description, and the cause's message, if any. */
    private static String describe(Status status) {
        String text = status.getCode() + ": " + status.getDescription();
        return status.getCause() == null ? text : text + " (" + status.getCause().getMessage() + ")";
    }

    private final Supplier<List<SimulatorRegistration>> registrations;
    private final WorldConfig config;
    private final Clock clock;
    private final Duration timeout;
    private final EventLoopGroup network;
    private final Deadline.Ticker ticker;
    /** Guarded by this. */
    private final Map<String, ManagedChannel> channels = new HashMap<>();
    /** By the name of the simulator's container; guarded by this. */
    private final Map<String, Session> sessions = new HashMap<>();
    /** The session each (set, area)'s active runs in, by {@code set/area}; guarded by this. */
    private final Map<String, Session> actives = new HashMap<>();
    /** Servers that said they drain, while they are listed; guarded by this. */
    private final Set<String> drainingTargets = new HashSet<>();
    /** The sets each server failed to open a session of, while it is listed; guarded by this. */
    private final Map<String, Set<String>> refusals = new HashMap<>();
    private boolean closed;

    /**
     * @param registrations the servers' registrations (address, component sets, capacity), read again whenever a
     *                      simulator opens a session, never under this object's lock
     * @param name          names the network threads
     */
    RemoteSimulators(Supplier<List<SimulatorRegistration>> registrations, WorldConfig config, Clock clock,
                     Duration timeout, String name) {
        this.registrations = registrations;
        this.config = config;
        this.clock = clock;
        this.timeout = timeout;
        this.network = SimulatorWire.eventLoops(2, name + "-simulator-client");
        this.ticker = new Deadline.Ticker() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }
        };
    }

    /** The world's timeout from now, on its clock. */
    private CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadline(Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS, ticker));
    }

    /**
     * Opens a session for simulator {@code name} of {@code set} on the first server that takes it, trying those
     * registered for {@code set} from the least loaded ({@link #ranked}). A session counts towards its server's load
     * from the moment it is tried, so simulators that start together spread out.
     *
     * @param lost     hears, once, why the session ended without our asking
     * @param draining hears why the session's server drains: the simulator should stop gracefully
     * @throws IllegalStateException naming each server tried and why it did not take it, if none did
     */
    Session open(String name, String set, Consumer<String> lost, Consumer<String> draining) {
        List<SimulatorRegistration> registered = registrations.get();
        List<String> tried = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        while (true) {
            Session session;
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the world's simulators are closing");
                }
                String target = ranked(set, registered).stream().filter(t -> !tried.contains(t)).findFirst()
                        .orElse(null);
                if (target == null) {
                    throw new IllegalStateException("no simulator server took simulator " + name + " of component "
                            + "set '" + set + "': " + (!failures.isEmpty() ? String.join("; ", failures)
                            : registered.isEmpty() ? "no simulator server is known"
                            : "no simulator process registered simulates it"));
                }
                tried.add(target);
                session = new Session(name, set, target, channel(target));
                sessions.put(name, session);
            }
            try {
                session.open(config, lost, draining);
                LOG.info("Simulator {} of {} runs on {}", name, set, session.target);
                return session;
            } catch (ExecutionException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                failures.add(session.target + ": " + cause.getMessage());
                synchronized (this) {
                    refusals.computeIfAbsent(session.target, t -> new HashSet<>()).add(set);
                }
            }
        }
    }

    /** {@link #ranked(String, List, Map, Set)} with this world's sessions and actives, and its draining servers. */
    synchronized List<String> ranked(String set, List<SimulatorRegistration> registered) {
        // A server no longer listed has gone; one listed again at its address is another process.
        drainingTargets.retainAll(registered.stream().map(SimulatorRegistration::address).toList());
        Map<String, Placed> placed = new HashMap<>();
        for (Session session : sessions.values()) {
            placed.merge(session.target, new Placed(session.set.equals(set) ? 1 : 0, 1, 0), Placed::plus);
        }
        actives.values().stream().filter(session -> sessions.get(session.name) == session)
                .forEach(session -> placed.merge(session.target, new Placed(0, 0, 1), Placed::plus));
        return ranked(set, registered, placed, drainingTargets);
    }

    /** What this world placed on one server: sessions of the set being placed, sessions in all, active areas. */
    record Placed(int ofSet, int sessions, int areas) {
        static final Placed NONE = new Placed(0, 0, 0);

        Placed plus(Placed other) {
            return new Placed(ofSet + other.ofSet, sessions + other.sessions, areas + other.areas);
        }
    }

    /**
     * Where a session of {@code set} goes, best first: the addresses of {@code registered} whose registration lists
     * {@code set} (the others are left out), those not {@code draining} before those that are, then those below
     * their capacity (the areas they are active for, as {@code placed} counts them) before the full ones, then the
     * fewest sessions of {@code set}, then the fewest in all. Of several registrations at one address (a process
     * and the one that replaced it, until the old lease expires), the address can run what any of them lists, up
     * to the largest capacity.
     */
    static List<String> ranked(String set, List<SimulatorRegistration> registered, Map<String, Placed> placed,
                               Set<String> draining) {
        Map<String, Integer> capacity = new LinkedHashMap<>();
        for (SimulatorRegistration registration : registered) {
            if (registration.componentSets().contains(set)) {
                capacity.merge(registration.address(), registration.capacity(), Math::max);
            }
        }
        Function<String, Placed> load = address -> placed.getOrDefault(address, Placed.NONE);
        List<String> ranked = new ArrayList<>(capacity.keySet());
        ranked.sort(Comparator.<String, Boolean>comparing(draining::contains)
                .thenComparing(address -> load.apply(address).areas() >= capacity.get(address))
                .thenComparingInt(address -> load.apply(address).ofSet())
                .thenComparingInt(address -> load.apply(address).sessions()));
        return ranked;
    }

    private ManagedChannel channel(String target) {
        return channels.computeIfAbsent(target, t -> NettyChannelBuilder.forAddress(address(t))
                .usePlaintext()
                .channelType(NioSocketChannel.class)
                .eventLoopGroup(network)
                .directExecutor()
                .maxInboundMessageSize(SimulatorWire.MAX_MESSAGE_BYTES)
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveWithoutCalls(true)
                .build());
    }

    /** {@code host:port} as a socket address. */
    static InetSocketAddress address(String target) {
        int colon = target.lastIndexOf(':');
        int port = -1;
        try {
            port = colon > 0 ? Integer.parseInt(target.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            // reported below
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a simulator server's address is host:port, got '" + target + "'");
        }
        return new InetSocketAddress(target.substring(0, colon), port);
    }

    /**
     * Simulator {@code name} is now the active of {@code area} of its set: the area counts towards its server's
     * capacity, and no longer towards the server of the area's previous active.
     */
    synchronized void activeOn(String name, int area) {
        Session session = sessions.get(name);
        if (session != null) {
            actives.put(session.set + "/" + area, session);
        }
    }

    /** The address of the server that runs simulator {@code name}'s session, if it has one. */
    synchronized Optional<String> serverOf(String name) {
        Session session = sessions.get(name);
        return session == null ? Optional.empty() : Optional.of(session.target);
    }

    /**
     * How the simulators of each of {@code wanted}'s sets spread over the servers listed now (read here, so it may
     * wait on the list's source): a set's servers are those registered for it, not draining, and that did not fail
     * to open a session of it since they were listed.
     *
     * @param wanted each set's number of simulators, in the sets' order
     */
    List<SimulatorRebalancer.Spread> spread(Map<String, Integer> wanted) {
        List<SimulatorRegistration> registered = registrations.get();
        synchronized (this) {
            refusals.keySet().retainAll(registered.stream().map(SimulatorRegistration::address).toList());
            List<SimulatorRebalancer.Spread> spreads = new ArrayList<>();
            wanted.forEach((set, count) -> {
                Map<String, List<String>> servers = new HashMap<>();
                for (SimulatorRegistration registration : registered) {
                    String target = registration.address();
                    if (registration.componentSets().contains(set) && !drainingTargets.contains(target)
                            && !refusals.getOrDefault(target, Set.of()).contains(set)) {
                        servers.putIfAbsent(target, new ArrayList<>());
                    }
                }
                List<String> elsewhere = new ArrayList<>();
                for (Session session : sessions.values()) {
                    if (session.set.equals(set)) {
                        servers.getOrDefault(session.target, elsewhere).add(session.name);
                    }
                }
                spreads.add(new SimulatorRebalancer.Spread(set, count, servers, elsewhere));
            });
            return spreads;
        }
    }

    /** The container of simulator {@code name} ended: its session ends too. */
    void ended(String name) {
        Session session;
        synchronized (this) {
            session = sessions.get(name);
        }
        if (session != null) {
            session.close();
        }
    }

    /** Ends every session, closes the channels and stops the network threads, waiting for each. */
    @Override
    public void close() {
        List<Session> open;
        List<ManagedChannel> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(sessions.values());
            all = new ArrayList<>(channels.values());
        }
        open.forEach(Session::close);
        for (ManagedChannel channel : all) {
            channel.shutdownNow();
        }
        try {
            for (ManagedChannel channel : all) {
                if (!channel.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    LOG.warn("A channel to a simulator server did not close within {}", timeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SimulatorWire.shutdown(network, timeout);
    }
}
