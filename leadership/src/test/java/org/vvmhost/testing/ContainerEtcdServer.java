package org.vvmhost.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * etcd 3.5 in a container. The client port is bound to a fixed free host port, so that a stopped and
 * restarted container keeps its endpoint; stop and kill go to the Docker engine directly, which keeps the
 * container and its data. A wipe replaces the container with a fresh one on the same port. No TLS: a test that
 * needs it runs the local binary.
 */
final class ContainerEtcdServer implements EtcdServer {

    static final DockerImageName IMAGE = DockerImageName.parse("gcr.io/etcd-development/etcd:v3.5.21");
    private static final int CLIENT_PORT = 2379;

    private final int hostPort = LocalEtcdServer.freePort();
    private final EtcdConfig config;
    private GenericContainer<?> container;
    private boolean created;
    private boolean running;

    ContainerEtcdServer(EtcdConfig config) {
        this.config = config;
        this.container = newContainer();
    }

    @SuppressWarnings("resource")
    private GenericContainer<?> newContainer() {
        List<String> command = new ArrayList<>(List.of("etcd",
                "--name", "vvm-test",
                "--data-dir", "/var/lib/etcd",
                "--listen-client-urls", "http://0.0.0.0:" + CLIENT_PORT,
                "--advertise-client-urls", "http://127.0.0.1:" + hostPort,
                "--listen-peer-urls", "http://0.0.0.0:2380",
                "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "vvm-test=http://127.0.0.1:2380"));
        command.addAll(config.flags());
        return new GenericContainer<>(IMAGE)
                .withCommand(command.toArray(String[]::new))
                .withExposedPorts(CLIENT_PORT)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindPort(hostPort), new ExposedPort(CLIENT_PORT))));
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public String description() {
        return "etcd container " + IMAGE + " at " + endpoint();
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hostPort);
    }

    @Override
    public URI healthEndpoint() {
        return endpoint();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (!created) {
            container.start();
            created = true;
        } else {
            docker().startContainerCmd(container.getContainerId()).exec();
        }
        running = true;
        EtcdHealth.awaitHealthy(this, this::isRunning);
    }

    @Override
    public synchronized void stop() {
        if (running) {
            docker().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
            running = false;
        }
    }

    @Override
    public synchronized void kill() {
        if (running) {
            docker().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
            running = false;
        }
    }

    @Override
    public synchronized void wipe() {
        container.stop();
        running = false;
        container = newContainer();
        created = false;
        start();
    }

    @Override
    public synchronized void pause() {
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public synchronized void resume() {
        docker().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    @Override
    public String logTail() {
        return created ? container.getLogs() : "(container not created)";
    }

    @Override
    public synchronized void close() {
        container.stop();
        running = false;
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
