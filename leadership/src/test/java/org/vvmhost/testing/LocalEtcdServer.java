package org.vvmhost.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local {@code etcd} binary on free loopback ports with a temporary data directory. The peer URLs are
 * given explicitly: without {@code --initial-cluster} and {@code --initial-advertise-peer-urls} etcd
 * advertises its default peer URL and refuses to start on other ports.
 */
final class LocalEtcdServer implements EtcdServer {

    private static final String NAME = "vvm-test";

    private final Path binary;
    private final Path workDir;
    private final Path log;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    LocalEtcdServer(Path binary) {
        this.binary = binary;
        try {
            this.workDir = Files.createTempDirectory("vvm-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for etcd", e);
        }
        this.log = workDir.resolve("etcd.log");
        this.clientPort = freePort();
        this.peerPort = freePort();
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
        return "local etcd " + binary + " at " + endpoint() + " (no Docker engine found)";
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        String peer = "http://127.0.0.1:" + peerPort;
        String client = endpoint().toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(
                binary.toString(),
                "--name", NAME,
                "--data-dir", workDir.resolve("data").toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", NAME + "=" + peer,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", "vvm-test-" + clientPort,
                // A single member elects itself after one election timeout; keep restarts quick.
                "--heartbeat-interval", "50",
                "--election-timeout", "300"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        EtcdHealth.awaitHealthy(this, () -> process.isAlive());
    }

    @Override
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
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
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + workDir, e);
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
