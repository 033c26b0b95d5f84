package org.vvmhost.vvm;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;

/**
 * The VVM of seed 002. Its stages talk through once-only tokens: {@code problem} (the first problem wins),
 * {@code vvmShut} (shutdown requested, by the host or by a problem), {@code servicesShut}, {@code monitorShut} and
 * {@code shutdowned}. Each stage runs on its own named thread, which the VVM owns and joins.
 */
final class LeasedVvm implements Vvm {

    private static final Logger log = LoggerFactory.getLogger(LeasedVvm.class);

    final VvmSettings settings;
    final Leadership leadership;
    final List<Service> services;
    final Clock clock;
    final Terminator terminator;
    final VvmListener listener;
    final String candidateId;

    final CompletableFuture<VvmProblem> problem = new CompletableFuture<>();
    final CompletableFuture<Void> vvmShut = new CompletableFuture<>();
    final CompletableFuture<Void> servicesShut = new CompletableFuture<>();
    final CompletableFuture<Void> monitorShut = new CompletableFuture<>();
    final CompletableFuture<Void> shutdowned = new CompletableFuture<>();

    /** No problem, the first problem, or {@link #SEALED}: no problem, and none may come any more. */
    private final AtomicReference<Object> outcome = new AtomicReference<>();
    private static final Object SEALED = new Object();
    private final AtomicReference<State> state = new AtomicReference<>(State.PROVIDED);
    /** Every thread this VVM started; all are joined by {@link #shutdown()}. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    // Written by the launcher before it ends; the shutdowner reads them after joining it.
    volatile Thread launcherThread;
    volatile Campaign campaign;
    volatile Term term;
    volatile Thread monitorThread;
    volatile Thread pipelineThread;

    LeasedVvm(VvmSettings settings, Leadership leadership, List<Service> services, Clock clock,
              Terminator terminator, VvmListener listener) {
        this.settings = settings;
        this.leadership = leadership;
        this.services = services;
        this.clock = clock;
        this.terminator = terminator;
        this.listener = listener;
        this.candidateId = leadership.candidate().id();
    }

    @Override
    public State state() {
        return state.get();
    }

    @Override
    public CompletableFuture<VvmProblem> launch() {
        if (!state.compareAndSet(State.PROVIDED, State.LAUNCHED)) {
            throw new IllegalStateException("launch() called on a VVM in state " + state.get()
                    + ": a VVM is launched once; provide a new one to run again");
        }
        start("shutdowner", ProblemKind.SERVICE_FAILED, new Shutdowner(this));
        launcherThread = start("launcher", ProblemKind.ACQUISITION_FAILED, new Launcher(this));
        return problem.copy();
    }

    @Override
    public Optional<VvmProblem> shutdown() {
        if (state.get() == State.PROVIDED) {
            throw new IllegalStateException("shutdown() called before launch(): the VVM was never launched, "
                    + "so there is nothing to shut down");
        }
        requestShutdown();
        // A VVM thread (say, a service or listener calling in) must not wait for itself: it only asks.
        if (!threads.contains(Thread.currentThread())) {
            Threads.awaitUninterruptibly(shutdowned);
            for (Thread thread : threads) {
                Threads.joinUninterruptibly(thread);
            }
        }
        return currentProblem();
    }

    @Override
    public CompletableFuture<Void> shutdowned() {
        return shutdowned.copy();
    }

    /**
     * Keeps the first problem and starts the ordered shutdown; later problems are only logged. Once the VVM has
     * shut down the outcome is sealed: a problem reported after that is logged too, so every caller of
     * {@link #shutdown()} sees the same result.
     */
    void updateProblem(ProblemKind kind, String message, Throwable cause) {
        VvmProblem candidate = new VvmProblem(kind, message, cause);
        if (outcome.compareAndSet(null, candidate)) {
            problem.complete(candidate);
            if (cause instanceof LeadershipException) {
                // Already translated at the boundary: the message says what to fix, a stack trace adds nothing.
                log.error("VVM problem {}: {}", kind, message);
            } else {
                log.error("VVM problem {}: {}", kind, message, cause);
            }
            requestShutdown();
        } else if (outcome.get() == SEALED) {
            log.warn("a VVM problem {} after shutdown, ignored: {}", kind, message, cause);
        } else {
            log.warn("a later VVM problem {}, ignored because the first one stands: {}", kind, message, cause);
        }
    }

    /** Called by the shutdowner as its last step: from now on the problem, or its absence, is final. */
    void sealOutcome() {
        outcome.compareAndSet(null, SEALED);
    }

    private Optional<VvmProblem> currentProblem() {
        Object value = outcome.get();
        return value instanceof VvmProblem first ? Optional.of(first) : Optional.empty();
    }

    void requestShutdown() {
        state.compareAndSet(State.LAUNCHED, State.SHUTTING_DOWN);
        vvmShut.complete(null);
    }

    void markShutDown() {
        state.set(State.SHUT_DOWN);
    }

    /**
     * Starts a named VVM thread. An unexpected throwable in it becomes a problem of {@code kind}, so that the
     * VVM shuts down instead of hanging with a dead stage.
     */
    Thread start(String role, ProblemKind kind, Runnable body) {
        String name = "vvm-" + role + "-" + candidateId;
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                updateProblem(kind, "thread " + name + " failed: " + e, e);
            }
        }, name);
        threads.add(thread);
        thread.start();
        return thread;
    }

    /** Calls the listener; a listener that throws breaks its contract, but must not break the lifecycle. */
    void notifyListener(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("the VVM listener threw on {}; ignored", event, e);
        }
    }
}
