package org.vvmhost.host.drill;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.vvmhost.time.Clock;

/**
 * One process the drill started (a replica, the reference run): a named thread reads its output (stdout and stderr,
 * merged) line by line, keeps each line with its time and copies it to its log file as it comes, so the log survives
 * the drill. Closing kills the process if it still runs and joins the reader.
 */
final class ReplicaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Clock clock;
    private final Path logFile;
    private final Thread reader;
    private final Instant startedAt;
    private final List<ReplicaLog.Line> lines = new ArrayList<>();
    /** The log as last read; guarded by lines. */
    private ReplicaLog parsed;
    private volatile Instant exitedAt;

    private ReplicaProcess(String name, Process process, Clock clock, Path logFile, Instant startedAt) {
        this.name = name;
        this.process = process;
        this.clock = clock;
        this.logFile = logFile;
        this.startedAt = startedAt;
        this.reader = new Thread(this::readOutput, "drill-output-" + name);
        reader.setDaemon(true);
        process.onExit().thenRun(() -> exitedAt = clock.instant());
    }

    /**
     * Starts {@code command} with this process's environment less every {@code VVM_} variable (the drill gives the
     * replicas their settings as options), plus {@code variables}; its output goes to {@code logFile}.
     */
    static ReplicaProcess start(String name, List<String> command, Map<String, String> variables, Path logFile,
            Clock clock) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(variable -> variable.startsWith("VVM_"));
        builder.environment().putAll(variables);
        Instant startedAt = clock.instant();
        try {
            ReplicaProcess replica = new ReplicaProcess(name, builder.start(), clock, logFile, startedAt);
            replica.reader.start();
            return replica;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Instant startedAt() {
        return startedAt;
    }

    /** When the drill saw it exit, if it did. */
    Optional<Instant> exitedAt() {
        return Optional.ofNullable(exitedAt);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Its exit code, once it exited. */
    Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** What its log says so far; read again only when new lines came. */
    ReplicaLog log() {
        synchronized (lines) {
            if (parsed == null || parsed.lines().size() != lines.size()) {
                parsed = ReplicaLog.of(lines);
            }
            return parsed;
        }
    }

    /** The last {@code count} lines, for an error message. */
    String tail(int count) {
        synchronized (lines) {
            List<ReplicaLog.Line> last = lines.subList(Math.max(0, lines.size() - count), lines.size());
            StringBuilder text = new StringBuilder();
            last.forEach(line -> text.append("\n  ").append(line.text()));
            return text.toString();
        }
    }

    /** Sends {@code signal} ({@code TERM}, {@code KILL}, {@code STOP}, {@code CONT}). */
    void signal(Signal signal) {
        Signals.send(signal, process.pid());
    }

    /** Waits for the exit and the end of its output; empty if it still runs after {@code budget}. */
    Optional<Integer> awaitExit(Duration budget) throws InterruptedException {
        if (!process.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        reader.join(budget.toMillis());
        return Optional.of(process.exitValue());
    }

    /** Kills it if it still runs (resuming it first, should it be stopped), and joins the reader. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            Signals.sendQuietly(Signal.CONT, process.pid());
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
    }

    private void readOutput() {
        ZoneId zone = ZoneId.systemDefault();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            for (String text = output.readLine(); text != null; text = output.readLine()) {
                ReplicaLog.Line line = ReplicaLog.Line.of(text, clock.instant(), zone);
                synchronized (lines) {
                    lines.add(line);
                }
                log.write(text);
                log.newLine();
                log.flush();
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; what was read stays, and so does the file.
        }
    }
}
