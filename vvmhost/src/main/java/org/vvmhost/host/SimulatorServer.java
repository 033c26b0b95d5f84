package org.vvmhost.host;

import io.grpc.BindableService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a {@code vvmhost simulator} process serves to the leader: started before the process registers (so the
 * address it registers answers), closed after it deregistered. {@link #grpc} serves the standard gRPC health service
 * and whatever services it is given; the simulator protocol's service is one of them.
 */
interface SimulatorServer extends AutoCloseable {

    /**
     * Binds and starts serving.
     *
     * @return the port bound: the chosen one if {@code bind} asks for port 0
     * @throws IOException if the address cannot be bound (the port is in use, say)
     */
    int start(InetSocketAddress bind) throws IOException;

    /** Serving: the process registered and takes work. Before, and once stopping, it answers NOT_SERVING. */
    void serving(boolean serving);

    /** Stops accepting, ends the calls in flight (briefly), and joins its threads. Idempotent. */
    @Override
    void close();

    /** A gRPC server with the health service and {@code services}. */
    static SimulatorServer grpc(List<BindableService> services) {
        return new GrpcSimulatorServer(services);
    }
}
