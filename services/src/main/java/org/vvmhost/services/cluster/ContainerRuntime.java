package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.time.Clock;

/**
 * One start of a container: its worker (a serial executor, i.e. its own named thread), its bounded mailbox and its
 * function instance. States move STARTING → RUNNING → STOPPING → ENDED, or straight to ENDED on a crash or kill;
 * the exit is reported exactly once to the {@link ExitListener}.
 *
 * <p>Draining uses a flag instead of a loop thread: whoever enqueues into an idle mailbox schedules one drain task,
 * which handles messages until the mailbox is empty. While the function's returned stage is pending the container
 * is busy and the drain resumes when the stage completes.
 */
final class ContainerRuntime {

    private static final Logger log = LoggerFactory.getLogger(ContainerRuntime.class);

    enum State { STARTING, RUNNING, STOPPING, ENDED }

    /** How a worker ended. */
    interface ExitListener {
        void onRunning(ContainerRuntime runtime);

        void onExit(ContainerRuntime runtime, ContainerStatus.Phase phase, String reason);
    }

    private final ContainerFunction function;
    private final SerialExecutor executor;
    private final Duration gracePeriod;
    private final ExitListener listener;
    private final Mailbox mailbox;
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Context context;
    private final Runnable drainTask = this::drain;
    private final Runnable resumeTask = this::resume;
    private final BiConsumer<Object, Throwable> stageDone = this::stageDone;
    private volatile Envelope<?> current;
    private boolean busy;
    /** The outcome of the pending stage, handed to the worker by {@link #resumeTask} (one stage at a time). */
    private Object stageValue;
    private Throwable stageError;

    ContainerRuntime(Container container, ContainerFunction function, SerialExecutor executor, Mailbox mailbox,
                     Clock clock, Duration gracePeriod, Messaging messaging, long seed, ExitListener listener) {
        this.function = function;
        this.executor = executor;
        this.gracePeriod = gracePeriod;
        this.listener = listener;
        this.mailbox = mailbox;
        this.context = new Context(container, clock, messaging,
                new SplittableRandom(seed ^ container.name().hashCode()));
    }

    String name() {
        return context.name();
    }

    ContainerSpec spec() {
        return context.container().spec();
    }

    State state() {
        return state.get();
    }

    /** Runs the function's start on the worker; RUNNING is reported once it returns. */
    void start() {
        executor.execute(() -> {
            if (runHook(function::start, "while starting", "StartError")
                    && state.compareAndSet(State.STARTING, State.RUNNING)) {
                listener.onRunning(this);
            }
        });
    }

    /** Queues a message; throws if the container does not accept messages or its mailbox is full. */
    void enqueue(Envelope<?> envelope) {
        State now = state.get();
        if (now != State.RUNNING) {
            throw new ContainerUnavailableException("container '" + name() + "' does not accept messages: it is "
                    + describe(now));
        }
        if (!mailbox.offer(envelope)) {
            throw new MailboxFullException("the mailbox of container '" + name() + "' is full (" + mailbox.capacity
                    + " messages): back off and retry, or raise spec.mailboxCapacity");
        }
        if (state.get() == State.ENDED && mailbox.remove(envelope)) {
            // Ended between the check and the offer: the end already failed the mailbox, so this one is ours.
            throw new ContainerUnavailableException("container '" + name() + "' ended while the message was sent");
        }
        scheduleDrain();
    }

    /** Stops taking messages, handles those queued, calls the stop hook, then ends TERMINATED. A kill follows if
     *  this takes longer than the grace period. */
    void stopGracefully() {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)
                && !state.compareAndSet(State.STARTING, State.STOPPING)) {
            return;
        }
        context.clock().schedule(gracePeriod, () -> {
            if (state.get() != State.ENDED) {
                kill("GracePeriodExpired: not stopped within " + gracePeriod.toMillis() + " ms");
            }
        });
        scheduleDrain();
    }

    /** Ends at once: queued and running messages fail, the worker thread is interrupted. */
    void kill(String reason) {
        State before = state.getAndSet(State.ENDED);
        if (before == State.ENDED) {
            return;
        }
        ContainerFailedException killed = new ContainerFailedException(
                "container '" + name() + "' was killed (" + reason + ")");
        Envelope<?> running = current;
        if (running != null) {
            running.fail(killed);
        }
        failQueued(killed);
        executor.shutdownNow();
        listener.onExit(this, ContainerStatus.Phase.FAILED, reason);
    }

    /** Waits for the worker thread to end (after the exit was reported). */
    boolean awaitTermination(Duration timeout) {
        return executor.awaitTermination(timeout);
    }

    private void scheduleDrain() {
        // Read first: while the worker drains, senders leave the flag's cache line alone.
        if (!draining.get() && draining.compareAndSet(false, true)) {
            try {
                executor.execute(drainTask);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                failQueued(new ContainerUnavailableException("container '" + name() + "' has ended"));
            }
        }
    }

    private void drain() {
        while (true) {
            if (state.get() == State.ENDED || busy) {
                return;
            }
            Envelope<?> envelope = mailbox.poll();
            if (envelope == null) {
                if (state.get() == State.STOPPING) {
                    runStopHook();
                    return;
                }
                draining.set(false);
                boolean more = !mailbox.isEmpty() || state.get() == State.STOPPING;
                if (!more || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            handle(envelope);
        }
    }

    private <R> void handle(Envelope<R> envelope) {
        current = envelope;
        CompletableFuture<R> result;
        try {
            result = function.handle(envelope.request, context).toCompletableFuture();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            crash(envelope, e);
            return;
        } catch (Exception | LinkageError | AssertionError e) {
            crash(envelope, e);
            return;
        }
        if (!result.isDone()) {
            busy = true;
            result.whenComplete(stageDone);
            return;
        }
        current = null;
        R value;
        try {
            value = result.join();
        } catch (CompletionException | CancellationException e) {
            complete(envelope, null, e);
            return;
        }
        envelope.settle(value, null);
    }

    /** The pending stage completed, on whatever thread completed it: the worker takes over. */
    private void stageDone(Object value, Throwable error) {
        stageValue = value;
        stageError = error;
        try {
            executor.execute(resumeTask);
        } catch (RejectedExecutionException e) {
            current.fail(new ContainerFailedException("container '" + name() + "' ended before replying"));
        }
    }

    /** On the worker, after the pending stage completed: reply, then go on with the mailbox. */
    @SuppressWarnings("unchecked")
    private void resume() {
        Envelope<Object> envelope = (Envelope<Object>) current;
        busy = false;
        current = null;
        complete(envelope, stageValue, stageError);
        stageValue = null;
        stageError = null;
        drain();
    }

    private <R> void complete(Envelope<R> envelope, R value, Throwable error) {
        if (error == null) {
            envelope.settle(value, null);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (envelope.reply == null) {
            log.warn("Container '{}': handling a sent message failed: {}", name(), cause.toString());
        }
        envelope.fail(cause);
    }

    private void crash(Envelope<?> envelope, Throwable error) {
        current = null;
        envelope.fail(new ContainerFailedException(
                "the function of container '" + name() + "' threw: " + error, error));
        log.warn("Container '{}' crashed: its function threw {}", name(), error.toString());
        end(ContainerStatus.Phase.FAILED, "Error: " + error);
    }

    private void runStopHook() {
        if (runHook(function::stop, "in the stop hook", "StopHookError")) {
            end(ContainerStatus.Phase.TERMINATED, "Stopped");
        }
    }

    /** A lifecycle hook of the function: its start or its stop. */
    private interface Hook {
        void run(ContainerContext context) throws Exception;
    }

    /** Runs {@code hook} on the worker; if it throws, ends the container FAILED and returns false. */
    private boolean runHook(Hook hook, String interruptedWhen, String errorKind) {
        try {
            hook.run(context);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(ContainerStatus.Phase.FAILED, "Interrupted " + interruptedWhen);
        } catch (Exception | LinkageError | AssertionError e) {
            end(ContainerStatus.Phase.FAILED, errorKind + ": " + e);
        }
        return false;
    }

    /** Runs on the worker. */
    private void end(ContainerStatus.Phase phase, String reason) {
        if (state.getAndSet(State.ENDED) == State.ENDED) {
            return;
        }
        failQueued(new ContainerUnavailableException("container '" + name() + "' ended (" + reason + ")"));
        executor.shutdown();
        listener.onExit(this, phase, reason);
    }

    private void failQueued(ClusterException error) {
        List<Envelope<?>> left = new ArrayList<>();
        mailbox.drainTo(left);
        for (Envelope<?> envelope : left) {
            if (envelope.fail(error) && envelope.reply == null) {
                log.warn("Container '{}': a sent message was not handled: {}", name(), error.getMessage());
            }
        }
    }

    private static String describe(State state) {
        return switch (state) {
            case STARTING -> "still starting";
            case RUNNING -> "running";
            case STOPPING -> "stopping";
            case ENDED -> "not running";
        };
    }

    /** What the function sees of this worker. */
    private record Context(Container container, Clock clock, Messaging cluster, RandomGenerator random)
            implements ContainerContext {

        @Override
        public String name() {
            return container.name();
        }
    }
}
