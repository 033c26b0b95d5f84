package org.vvmhost.host;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.time.Durations;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM and SIGINT into a stop request, instead of the JVM's default of exiting at once through the
 * shutdown hooks. The main thread then shuts the VVM down in order and returns the exit code itself, so a
 * graceful SIGTERM exits 0, not 143. Closing restores the previous handlers.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only API for this; javac warns about it, and
 * the warning cannot be suppressed.
 */
final class StopSignals implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);
    private static final String[] STOP_SIGNALS = {"TERM", "INT"};

    private final Map<Signal, SignalHandler> previous;

    private StopSignals(Map<Signal, SignalHandler> previous) {
        this.previous = previous;
    }

    /** Installs the handlers; {@code onStop} gets the signal's name (for example {@code SIGTERM}), maybe twice. */
    static StopSignals install(Consumer<String> onStop) {
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        for (String name : STOP_SIGNALS) {
            try {
                Signal signal = new Signal(name);
                previous.put(signal, Signal.handle(signal, received -> onStop.accept("SIG" + received.getName())));
            } catch (IllegalArgumentException e) {
                // For example under -Xrs. The shutdown hook still stops the VVM, but the exit code is the JVM's.
                log.warn("cannot handle SIG{} ({}); the shutdown hook will stop the VVM instead", name, e.getMessage());
            }
        }
        return new StopSignals(previous);
    }

    /**
     * The fallback when no signal handler could be installed: a shutdown hook (add it yourself) that, as the JVM exits,
     * asks for a graceful stop and holds the exit until {@code finished} completes, or {@code limit} has passed.
     */
    static Thread fallbackHook(CompletableFuture<String> stopRequested, CompletableFuture<Void> finished,
                               Duration limit) {
        return new Thread(() -> {
            stopRequested.complete("JVM shutdown");
            try {
                finished.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.error("the process did not shut down within {}; exiting anyway", Durations.text(limit));
            }
        }, "vvm-shutdown-hook");
    }

    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already exiting: the hook runs, and returns at once because we have finished.
        }
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
