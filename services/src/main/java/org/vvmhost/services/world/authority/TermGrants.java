package org.vvmhost.services.world.authority;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;
import org.vvmhost.vvm.Causes;

/**
 * {@link AreaGrants} through one term. Each (set, area) has a chain of writes, so its grants go out one at a time and
 * in order; a grant is written only while it is the newest asked for its area. Grants asked for together share one
 * read of the registrations. The chains run on the data store's threads and on the clock's (a retry's delay): no
 * thread of its own.
 */
final class TermGrants implements AreaGrants {

    private static final Logger LOG = LoggerFactory.getLogger(TermGrants.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** A grant asked for: the active of (set, area) runs on {@code server}; {@code order} tells newer from older. */
    private record Wanted(String set, int area, String server, long order) {
        String key() {
            return set + "/" + area;
        }

        @Override
        public String toString() {
            return set + " area " + area + " on " + server;
        }
    }

    private final SimulatorAuthority authority;
    private final Term term;
    private final Clock clock;
    private final Duration timeout;
    private final Duration retry;
    private final Consumer<RuntimeException> deposed;
    private final AtomicLong asked = new AtomicLong();
    private final Map<String, Wanted> newest = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> chains = new ConcurrentHashMap<>();
    /** A retry's timer and what it completes: closing ends the wait at once, so the chain settles. */
    private final Map<Clock.Scheduled, CompletableFuture<Void>> retries = new ConcurrentHashMap<>();
    /** The grants sent to etcd and not yet answered, even those whose wait timed out: closing awaits them. */
    private final Map<CompletableFuture<?>, Wanted> inFlight = new ConcurrentHashMap<>();
    /** The last read of the registrations; see {@link #registrations()}. */
    private final AtomicReference<CompletableFuture<List<SimulatorRegistration>>> reading = new AtomicReference<>();
    /** Set when closed, or when the term was found deposed or lost: nothing more is written. */
    private final AtomicBoolean stopped = new AtomicBoolean();

    TermGrants(SimulatorAuthority authority, Term term, Clock clock, Duration timeout, Duration retry,
               Consumer<RuntimeException> deposed) {
        this.authority = authority;
        this.term = term;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.deposed = deposed;
    }

    @Override
    public void activeOn(String set, int area, String server) {
        if (stopped.get()) {
            return;
        }
        Wanted wanted = new Wanted(set, area, server, asked.incrementAndGet());
        newest.put(wanted.key(), wanted);
        chains.compute(wanted.key(), (key, chain) -> (chain == null ? DONE : chain).thenCompose(v -> attempt(wanted)));
    }

    /** Writes {@code wanted} unless it was overtaken; completes, never exceptionally, once it is settled. */
    private CompletableFuture<Void> attempt(Wanted wanted) {
        if (stopped.get() || newest.get(wanted.key()) != wanted) {
            return DONE;
        }
        CompletableFuture<AuthorityGrant> sent = write(wanted);
        inFlight.put(sent, wanted);
        sent.whenComplete((grant, failure) -> inFlight.remove(sent));
        return clock.orTimeout(sent.copy(), timeout, "etcd did not confirm the grant")
                .handle((grant, failure) -> failure == null ? DONE : failed(wanted, failure))
                .thenCompose(Function.identity());
    }

    /**
     * The registrations being read from etcd, shared by the grants asked for meanwhile (those issued together, as
     * when a crash promotes several passives), or a new read once the last one was answered.
     */
    private CompletableFuture<List<SimulatorRegistration>> registrations() {
        CompletableFuture<List<SimulatorRegistration>> current = reading.get();
        if (current != null && !current.isDone()) {
            return current;
        }
        CompletableFuture<List<SimulatorRegistration>> next = new CompletableFuture<>();
        if (!reading.compareAndSet(current, next)) {
            return registrations();
        }
        authority.simulators().whenComplete((read, failure) -> {
            if (failure == null) {
                next.complete(read);
            } else {
                next.completeExceptionally(failure);
            }
        });
        return next;
    }

    private static List<String> registeredAt(String server, List<SimulatorRegistration> registrations) {
        return registrations.stream().filter(r -> r.address().equals(server)).map(SimulatorRegistration::id).toList();
    }

    /** Grants the area to the one process registered at the server's address. */
    private CompletableFuture<AuthorityGrant> write(Wanted wanted) {
        return registrations().thenCompose(shared -> registeredAt(wanted.server(), shared).isEmpty()
                // A read shared with earlier grants may predate the process's registration: read once more.
                ? authority.simulators() : CompletableFuture.completedFuture(shared)
        ).thenCompose(registrations -> {
            List<String> there = registeredAt(wanted.server(), registrations);
            if (there.isEmpty()) {
                throw new AuthorityException("no simulator process is registered at " + wanted.server());
            }
            if (there.size() > 1) {
                // A process that went and one that replaced it at the same address: the old lease expires soon.
                throw new IllegalStateException("simulator processes " + there + " are all registered at "
                        + wanted.server());
            }
            return authority.grant(term, wanted.set(), wanted.area(), there.get(0));
        });
    }

    private CompletableFuture<Void> failed(Wanted wanted, Throwable failure) {
        if (Causes.find(failure, FencedWriteRejectedException.class).isPresent()) {
            if (stopped.compareAndSet(false, true)) {
                IllegalStateException refused = new IllegalStateException("this leader was deposed: its grant of "
                        + wanted + " was refused; no more grants are written", failure);
                LOG.error(refused.getMessage());
                deposed.accept(refused);
            }
            return DONE;
        }
        if (Causes.find(failure, LeadershipLostException.class).isPresent()) {
            if (stopped.compareAndSet(false, true)) {
                LOG.warn("leadership was lost while granting {}: no more grants are written", wanted);
            }
            return DONE;
        }
        if (Causes.find(failure, AuthorityException.class).isPresent()) {
            // The process is gone, or going: its sessions break, and the areas' next actives get grants of their own.
            LOG.warn("not granted {}: {}", wanted, Causes.find(failure, AuthorityException.class).get().getMessage());
            return DONE;
        }
        LOG.warn("not granted {} yet ({}); trying again in {}", wanted, failure.getMessage(), Durations.text(retry));
        CompletableFuture<Void> later = new CompletableFuture<>();
        Clock.Scheduled timer = clock.schedule(retry, () -> later.complete(null));
        retries.put(timer, later);
        if (stopped.get()) {
            timer.cancel();
            later.complete(null);
        }
        return later.thenCompose(v -> {
            retries.remove(timer);
            return attempt(wanted);
        });
    }

    /**
     * Writes nothing more and waits, at most the timeout on the clock, for the grants sent to etcd: once it returns,
     * none is still being written, or the log names those left.
     */
    @Override
    public void close() {
        stopped.set(true);
        retries.forEach((timer, later) -> {
            timer.cancel();
            later.complete(null);
        });
        retries.clear();
        // The chains first: a chain that was about to send a grant has sent it once the chain settles.
        long deadline = clock.nanoTime() + timeout.toNanos();
        awaitUntil(deadline, chains.values());
        awaitUntil(deadline, inFlight.keySet());
        if (!inFlight.isEmpty()) {
            LOG.warn("closed with grants still being written, not awaited past {}: {}", Durations.text(timeout),
                    inFlight.values().stream().sorted(Comparator.comparingLong(Wanted::order)).toList());
        }
    }

    /** Waits for {@code futures} until {@code deadline} on the clock; their failures are the chains' concern. */
    private void awaitUntil(long deadline, Collection<? extends CompletableFuture<?>> futures) {
        long left = deadline - clock.nanoTime();
        if (left <= 0) {
            return;
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        try {
            clock.orTimeout(all.copy(), Duration.ofNanos(left)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Timed out, or a grant failed: what is left is logged by the caller.
        }
    }
}
