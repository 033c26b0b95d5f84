package org.vvmhost.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code vvmhost} process, started from the image's command line. A named thread reads its output (stdout
 * and stderr, merged) line by line; tests await lines in order. Closing kills it if it still runs.
 */
final class HostProcess implements AutoCloseable {

    /** One output line and the {@link System#nanoTime()} at which it was read. */
    record Line(long nanos, String text) {
    }

    private final Process process;
    private final long startedNanos;
    private final Thread reader;
    private static final Pattern LISTENING = Pattern.compile("HTTP API listening on (https?)://\\S+?:(\\d+) ");

    private final List<Line> lines = new ArrayList<>();
    /** Guarded by lines. */
    private boolean ended;
    /** Lines not yet awaited; an empty element marks the end of the output. */
    private final BlockingQueue<Optional<String>> unread = new LinkedBlockingQueue<>();

    /** {@link System#nanoTime()} when the process was seen to exit. */
    private final CompletableFuture<Long> exitedNanos;

    private HostProcess(Process process, long startedNanos) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.exitedNanos = process.onExit().thenApply(exited -> System.nanoTime());
        this.reader = new Thread(this::readOutput, "vvmhost-output-" + process.pid());
        reader.setDaemon(true);
    }

    /**
     * Starts {@code image}'s command line with {@code args} (none: the image's CMD), without any VVM_ variable but
     * {@code VVM_HTTP_PORT=0}: replicas of one machine each get a free port for their HTTP API (an option wins).
     */
    static HostProcess start(ImageCommand image, List<String> args) {
        return start(image, args, Map.of("VVM_HTTP_PORT", "0"));
    }

    /** Like {@link #start(ImageCommand, List)}, with exactly {@code variables} as the VVM_ variables. */
    static HostProcess start(ImageCommand image, List<String> args, Map<String, String> variables) {
        return start(image.commandLine(args), variables);
    }

    /** Starts {@code commandLine} (for example the image's health check) with exactly these VVM_ variables. */
    static HostProcess start(List<String> commandLine, Map<String, String> variables) {
        ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("VVM_"));
        builder.environment().putAll(variables);
        long startedNanos = System.nanoTime();
        try {
            HostProcess host = new HostProcess(builder.start(), startedNanos);
            host.reader.start();
            return host;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * The base URL of its HTTP API on loopback (http or https, with the port it logged as bound), once it logged it;
     * empty if it did not within {@code budget}. Reads the lines already read, so it consumes none.
     */
    Optional<URI> apiUrl(Duration budget) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        synchronized (lines) {
            while (true) {
                for (Line line : lines) {
                    Matcher m = LISTENING.matcher(line.text());
                    if (m.find()) {
                        return Optional.of(URI.create(m.group(1) + "://127.0.0.1:" + m.group(2)));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** Its HTTP API, once it answers {@code /leader} with 200: it leads with its services started. */
    ApiClient awaitLeaderApi(Duration budget) throws Exception {
        ApiClient api = new ApiClient(apiUrl(budget).orElseThrow(() -> new IllegalStateException(
                "no HTTP API line:\n" + output())));
        long deadline = System.nanoTime() + budget.toNanos();
        while (api.status("/leader") != 200) {
            if (System.nanoTime() > deadline || !isAlive()) {
                throw new IllegalStateException("the replica did not lead:\n" + output());
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return api;
    }

    /** {@link System#nanoTime()} just before the process was started. */
    long startedNanos() {
        return startedNanos;
    }

    /**
     * Consumes output lines until one matches, and returns it; empty if the output ended or {@code budget}
     * passed first. Lines skipped on the way stay in {@link #output()}.
     */
    Optional<String> awaitLine(Predicate<String> matches, Duration budget) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        while (true) {
            Optional<String> line = unread.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                return Optional.empty();
            }
            if (line.isEmpty()) {
                // Leave the end mark for the next caller.
                unread.add(line);
                return line;
            }
            if (matches.test(line.get())) {
                return line;
            }
        }
    }

    Optional<String> awaitLineContaining(String text, Duration budget) throws InterruptedException {
        return awaitLine(line -> line.contains(text), budget);
    }

    /** Sends SIGTERM, as {@code docker stop} and Kubernetes do. */
    void sigterm() {
        // Not Process.destroy(): it also closes our end of the output pipe, and the last lines would be lost.
        process.toHandle().destroy();
    }

    /** Sends SIGKILL: a crash, with no chance to release anything. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    /** Sends {@code signal} (for example {@code INT}) through {@code kill}. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Waits for the exit and the end of the output; empty if the process still runs after {@code budget}. */
    Optional<Integer> awaitExit(Duration budget) throws InterruptedException {
        if (!process.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        reader.join(budget.toMillis());
        return Optional.of(process.exitValue());
    }

    /** {@link System#nanoTime()} when the process exited; call after {@link #awaitExit} returned its code. */
    long exitedNanos() {
        return exitedNanos.join();
    }

    /** Every line read so far. */
    String output() {
        return String.join(System.lineSeparator(), lines());
    }

    List<String> lines() {
        return timedLines().stream().map(Line::text).toList();
    }

    /** Every line read so far, with the time each was read. */
    List<Line> timedLines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process if it still runs, and joins the reader. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readOutput() {
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                synchronized (lines) {
                    lines.add(new Line(System.nanoTime(), line));
                    lines.notifyAll();
                }
                unread.add(Optional.of(line));
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; what was read stays.
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
            unread.add(Optional.empty());
        }
    }
}
