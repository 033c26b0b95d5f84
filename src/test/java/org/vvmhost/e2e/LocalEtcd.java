package org.vvmhost.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code etcd} binary on free loopback ports with a temporary data directory, for the measuring mains
 * (benchmark, drill), which run outside JUnit and so without the test kit
 * ({@code EtcdExtension}). It keeps etcd's history: no auto-compaction. The peer URLs are explicit, or etcd advertises
 * its default one.
 */
final class LocalEtcd implements AutoCloseable {

    private final Process process;
    private final Path dataDir;
    private final URI endpoint;

    private LocalEtcd(Process process, Path dataDir, URI endpoint) {
        this.process = process;
        this.dataDir = dataDir;
        this.endpoint = endpoint;
    }

    static LocalEtcd start(Duration budget) throws IOException, InterruptedException {
        Path binary = findBinary();
        Path dataDir = Files.createTempDirectory("vvm-drill-etcd-");
        String client = "http://127.0.0.1:" + freePort();
        String peer = "http://127.0.0.1:" + freePort();
        Process process = new ProcessBuilder(binary.toString(),
                "--name", "local",
                "--data-dir", dataDir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "local=" + peer, "--initial-cluster-state", "new")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("etcd.log").toFile())
                .start();
        LocalEtcd etcd = new LocalEtcd(process, dataDir, URI.create(client));
        try {
            etcd.awaitHealthy(budget);
        } catch (RuntimeException | InterruptedException e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    URI endpoint() {
        return endpoint;
    }

    /** Asks {@code /health} until etcd says it is healthy; a start-up poll, in a benchmark, not in a test. */
    private void awaitHealthy(Duration budget) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(endpoint.resolve("/health"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see its log in "
                        + dataDir);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("etcd was not healthy within " + budget);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dataDir, e);
        }
    }

    private static Path findBinary() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "etcd");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no 'etcd' on the PATH; install it (Debian: apt-get install etcd-server)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
