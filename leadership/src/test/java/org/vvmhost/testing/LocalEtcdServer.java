package org.vvmhost.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local {@code etcd} binary on loopback ports with its own data directory: a single server, or one member of a
 * cluster. The peer URLs are given explicitly: without {@code --initial-cluster} and {@code --initial-advertise-peer-urls}
 * etcd advertises its default peer URL and refuses to start on other ports. With TLS, clients speak https, and health
 * is asked on a plain metrics port.
 */
final class LocalEtcdServer implements EtcdServer {

    /** One member's name and ports. */
    record Member(String name, int clientPort, int peerPort, int metricsPort) {
        static Member onFreePorts(String name) {
            return new Member(name, freePort(), freePort(), freePort());
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    private final Path binary;
    private final Member self;
    private final List<Member> cluster;
    private final String token;
    private final EtcdConfig config;
    private final Path workDir;
    private final Path log;
    private Process process;

    LocalEtcdServer(Path binary, Member self, List<Member> cluster, String token, EtcdConfig config) {
        this.binary = binary;
        this.self = self;
        this.cluster = List.copyOf(cluster);
        this.token = token;
        this.config = config;
        try {
            this.workDir = Files.createTempDirectory("vvm-etcd-" + self.name() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for etcd", e);
        }
        this.log = workDir.resolve("etcd.log");
    }

    /** A single server on free ports. */
    static LocalEtcdServer single(Path binary, EtcdConfig config) {
        Member self = Member.onFreePorts("vvm-test");
        return new LocalEtcdServer(binary, self, List.of(self), "vvm-test-" + self.clientPort(), config);
    }

    /** The {@code etcd} binary on the PATH, if any. */
    static Optional<Path> findBinary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "etcd");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String description() {
        return "local etcd " + binary + " at " + endpoint() + " (no Docker engine found, or a test needs the binary)";
    }

    @Override
    public URI endpoint() {
        return URI.create((config.tls().isPresent() ? "https" : "http") + "://127.0.0.1:" + self.clientPort());
    }

    @Override
    public URI healthEndpoint() {
        return URI.create("http://127.0.0.1:" + self.metricsPort());
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        boolean fresh = !Files.exists(workDir.resolve("data"));
        String client = endpoint().toString();
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--name", self.name(),
                "--data-dir", workDir.resolve("data").toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", self.peerUrl(),
                "--initial-advertise-peer-urls", self.peerUrl(),
                "--listen-metrics-urls", healthEndpoint().toString(),
                "--initial-cluster", cluster.stream().map(m -> m.name() + "=" + m.peerUrl())
                        .collect(Collectors.joining(",")),
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token));
        config.tls().ifPresent(tls -> command.addAll(List.of(
                "--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString())));
        command.addAll(config.flags());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        // A member of a cluster that starts fresh is healthy only once a quorum runs: its caller waits for that.
        if (cluster.size() == 1 || !fresh) {
            EtcdHealth.awaitHealthy(this, () -> process.isAlive());
        }
    }

    @Override
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            resume();
            process.destroy();
            awaitExit(10);
        }
    }

    @Override
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            awaitExit(10);
        }
    }

    @Override
    public synchronized void wipe() {
        kill();
        delete(workDir.resolve("data"));
        start();
    }

    @Override
    public synchronized void pause() {
        signal("STOP");
    }

    @Override
    public synchronized void resume() {
        signal("CONT");
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no etcd log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        kill();
        delete(workDir);
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal + " to etcd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + signal + " to etcd", e);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    private void awaitExit(long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(seconds, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
