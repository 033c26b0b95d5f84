package org.vvmhost.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.time.SystemClock;

/**
 * Candidates of one fresh election on a test etcd, each with a connection of its own (a lease TTL of 4 s, which keeps
 * short the lock-delay that a fresh election owes) and one system clock for all: for the tests of what a leader writes
 * into the election's data. Close ends them and the clock.
 */
public final class EtcdCandidates implements AutoCloseable {

    private final EtcdExtension etcd;
    private final String election;
    private final SystemClock clock = SystemClock.create("test-clock");
    private final List<Leadership> connected = new ArrayList<>();

    /** A fresh election, named after {@code test}. */
    public EtcdCandidates(EtcdExtension etcd, String test) {
        this.etcd = etcd;
        this.election = "vvm-test/" + test + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    public String election() {
        return election;
    }

    public SystemClock clock() {
        return clock;
    }

    /** Candidate {@code id}, connected; closed with the others unless the test closes it first. */
    public synchronized Leadership connect(String id) {
        Leadership leadership = EtcdLeaderships.connect(EtcdSettings.of(etcd.endpoint().toString(), election,
                LeaseSettings.ofTtl(Duration.ofSeconds(4))), new Candidate(id, "test-host",
                ProcessHandle.current().pid(), Instant.now()), clock);
        connected.add(leadership);
        return leadership;
    }

    /** Two terms in turn: {@code deposed}, of {@code first}, resigned for {@code current}, of {@code second}. */
    public record Succession(Leadership first, Term deposed, Leadership second, Term current) {
    }

    /** Candidate "first" leads and resigns, and candidate "second" leads, each step awaited up to {@code budget}. */
    public Succession succession(Duration budget) throws Exception {
        Leadership first = connect("first");
        Term deposed = first.campaign().elected().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        Leadership second = connect("second");
        CompletableFuture<Term> next = second.campaign().elected();
        deposed.release().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        return new Succession(first, deposed, second, next.get(budget.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public synchronized void close() {
        connected.forEach(Leadership::close);
        clock.close();
    }
}
