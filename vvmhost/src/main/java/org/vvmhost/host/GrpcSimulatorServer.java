package org.vvmhost.host;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's gRPC server on Netty, with event loops and an executor of its own ({@code vvm-grpc-*} threads), so
 * that closing it leaves none of its threads running; gRPC's shared ones would linger after it.
 */
final class GrpcSimulatorServer implements SimulatorServer {

    private static final Logger log = LoggerFactory.getLogger(GrpcSimulatorServer.class);
    private static final long STOP_MILLIS = 2_000;

    private final HealthStatusManager health = new HealthStatusManager();
    private final List<BindableService> services;
    private final AtomicBoolean closed = new AtomicBoolean();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService executor;
    private Server server;

    GrpcSimulatorServer(List<BindableService> services) {
        this.services = List.copyOf(services);
    }

    @Override
    public synchronized int start(InetSocketAddress bind) throws IOException {
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vvm-grpc-boss"), NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("vvm-grpc-io"),
                NioIoHandler.newFactory());
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, runnable -> new Thread(runnable,
                "vvm-grpc-call-" + count.incrementAndGet()));
        NettyServerBuilder builder = NettyServerBuilder.forAddress(bind)
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(executor)
                .addService(health.getHealthService());
        services.forEach(builder::addService);
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        }
        log.info("gRPC server listening on {}:{} ({} services and health)", bind.getHostString(), server.getPort(),
                services.size());
        return server.getPort();
    }

    @Override
    public void serving(boolean serving) {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
                serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        health.enterTerminalState();
        try {
            if (server != null) {
                server.shutdown();
                if (!server.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS)) {
                    server.shutdownNow().awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
            if (executor != null) {
                executor.shutdown();
                executor.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS);
            }
            for (EventLoopGroup group : new EventLoopGroup[] {boss, workers}) {
                if (group != null) {
                    group.shutdownGracefully(0, STOP_MILLIS, TimeUnit.MILLISECONDS)
                            .await(2 * STOP_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
