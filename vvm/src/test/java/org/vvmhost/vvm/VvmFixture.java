package org.vvmhost.vvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.time.ManualClock;

/** One in-memory election on a manual clock, and VVMs that report every event into one queue. */
final class VvmFixture implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration KILL_DELAY = Duration.ofSeconds(3);

    final ManualClock clock = new ManualClock();
    final InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
    /** Events of every VVM and service, in the order they happened: {@code "<id>:<event>"}. */
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final AtomicInteger halts = new AtomicInteger();
    private final List<Leadership> leaderships = new ArrayList<>();
    private final List<Vvm> vvms = new ArrayList<>();

    Vvm vvm(String id, Service... services) {
        return vvm(id, new VvmSettings(Optional.empty(), KILL_DELAY), services);
    }

    Vvm vvm(String id, VvmSettings settings, Service... services) {
        Leadership leadership = election.join(new Candidate(id, "test-host", 1, Instant.EPOCH));
        leaderships.add(leadership);
        return vvm(leadership, settings, services);
    }

    Vvm vvm(Leadership leadership, VvmSettings settings, Service... services) {
        Vvm vvm = Vvms.provide(settings, leadership, List.of(services), clock, halts::incrementAndGet,
                listener(leadership.candidate().id()));
        vvms.add(vvm);
        return vvm;
    }

    VvmListener listener(String id) {
        return new VvmListener() {
            @Override
            public void leadershipAcquired(Term term) {
                events.add(id + ":acquired");
            }

            @Override
            public void servicesStarted() {
                events.add(id + ":services started");
            }

            @Override
            public void leadershipReleased(Term term) {
                events.add(id + ":released");
            }

            @Override
            public void leadershipLost(Term term, Throwable reason) {
                events.add(id + ":lost");
            }
        };
    }

    /** The next event, waiting for it at most {@link #TIMEOUT}. */
    String next() {
        try {
            String event = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("an event within %s", TIMEOUT).isNotNull();
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    List<String> next(int count) {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            taken.add(next());
        }
        return taken;
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    /** Names of live threads that belong to the VVM of candidate {@code id}. */
    static List<String> liveThreadsOf(String id) {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("vvm-") && thread.getName().endsWith("-" + id)) {
                names.add(thread.getName());
            }
        }
        return names;
    }

    /** A service that records its start and stop; it can fail on start or stop, and keeps its context. */
    final class RecordingService implements Service {
        final String name;
        private final boolean failStart;
        private final boolean failStop;
        final AtomicReference<ServiceContext> context = new AtomicReference<>();

        RecordingService(String name) {
            this(name, false, false);
        }

        RecordingService(String name, boolean failStart, boolean failStop) {
            this.name = name;
            this.failStart = failStart;
            this.failStop = failStop;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(ServiceContext context) throws Exception {
            if (failStart) {
                events.add(name + ":start failed");
                throw new IllegalStateException(name + " cannot start");
            }
            this.context.set(context);
            events.add(name + ":start");
        }

        @Override
        public void stop() throws Exception {
            events.add(name + ":stop");
            if (failStop) {
                throw new IllegalStateException(name + " cannot stop");
            }
        }
    }

    @Override
    public void close() {
        for (Vvm vvm : vvms) {
            if (vvm.state() != Vvm.State.PROVIDED) {
                vvm.shutdown();
            }
        }
        for (Leadership leadership : leaderships) {
            leadership.close();
        }
    }
}
