package org.vvmhost.services.world.cluster;

import io.grpc.BindableService;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.time.Clock;

/**
 * A gRPC server that hosts component-set simulators for coordinators in other processes: each coordinator's
 * simulator container opens a session here, and the simulator of that session answers the simulator protocol
 * exactly as an in-process simulator container does (it is one, in a cluster of this server's own). A session
 * lives as long as the coordinator keeps its call open; a server that closes ends every session, which the
 * coordinators handle as crashed simulators. A server that drains first has its coordinators stop their simulators
 * gracefully, which hands their areas over.
 *
 * <p>States: new → started ({@link #start}, once) → draining ({@link #drain}, optional) → closed ({@link #close},
 * idempotent, also from new).
 */
public interface SimulatorServer extends AutoCloseable {

    /**
     * A server for the component sets of {@code sets}, to listen on {@code bind} (port 0: any free port).
     *
     * @param clock   the simulators' clock (hand-over waits, request timeouts)
     * @param timeout how long a simulator may take to start, to answer a request, or to hand over when stopped
     */
    static SimulatorServer create(ComponentSetRegistry sets, InetSocketAddress bind, Clock clock, Duration timeout) {
        return create(sets, bind, clock, timeout, List.of());
    }

    /**
     * As {@link #create(ComponentSetRegistry, InetSocketAddress, Clock, Duration)}, serving {@code services} too, on
     * the same port (a process's health service, say). They are called on the server's event loops: never block.
     */
    static SimulatorServer create(ComponentSetRegistry sets, InetSocketAddress bind, Clock clock, Duration timeout,
                                  List<BindableService> services) {
        return new GrpcSimulatorServer(sets, bind, clock, timeout, services);
    }

    /**
     * Starts listening. Returns this.
     *
     * @throws IllegalStateException if already started or closed
     * @throws java.io.UncheckedIOException if the address cannot be bound (the message names it)
     */
    SimulatorServer start();

    /** The port listened on; after {@link #start}. */
    int port();

    /** The simulators hosted now, by the names their coordinators gave their containers, sorted. */
    List<String> simulators();

    /**
     * Begins draining: new sessions are refused (UNAVAILABLE, saying the server drains), and every session's
     * coordinator is told over the session's call to stop its simulator gracefully, which hands its areas over and
     * ends the session. Returns a future that completes once no session is left; the caller bounds the wait, then
     * closes. Later calls return a future of the same drain.
     *
     * @param reason why, as the coordinators log it
     */
    CompletableFuture<Void> drain(String reason);

    /**
     * Ends every session at once (the simulators hand nothing over), stops listening, stops the simulators and
     * joins every thread the server started. Idempotent.
     */
    @Override
    void close();
}
