package org.vvmhost.leadership.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.time.Clock;

/**
 * The in-memory election. One lock guards the whole keyspace, as etcd serialises its revisions. Work that calls
 * out (completing futures, delivering watch events, scheduling lease expiry) is queued under the lock and run after
 * it is released.
 */
final class MemoryElection implements InMemoryElection {

    private static final Logger log = LoggerFactory.getLogger(MemoryElection.class);

    /** The prefix of election keys; data lives in its own map, so the two namespaces cannot collide. */
    static final String ELECTION_PREFIX = "election/";

    private final Clock clock;
    private final LeaseSettings lease;
    private final ReentrantLock lock = new ReentrantLock();
    private final MemoryDataStore dataStore = new MemoryDataStore();

    // Guarded by lock.
    private long revision;
    private long nextLeaseId = 0x7e57_0000_0000_0001L;
    private final TreeMap<Long, Candidacy> liveKeys = new TreeMap<>();
    private final TreeMap<String, byte[]> data = new TreeMap<>();
    private final Map<String, List<Watch>> watches = new HashMap<>();

    MemoryElection(Clock clock, LeaseSettings lease) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    @Override
    public Leadership join(Candidate candidate) {
        return new MemoryLeadership(Objects.requireNonNull(candidate, "candidate"));
    }

    @Override
    public boolean revoke(String candidateId) {
        Objects.requireNonNull(candidateId, "candidateId");
        return locked(after -> {
            List<Candidacy> revoked = new ArrayList<>();
            for (Candidacy candidacy : liveKeys.values()) {
                if (candidacy.owner.candidate.id().equals(candidateId)) {
                    revoked.add(candidacy);
                }
            }
            for (Candidacy candidacy : revoked) {
                endLease(candidacy, "lease " + Long.toHexString(candidacy.leaseId) + " of candidate " + candidateId
                        + " was revoked", after);
            }
            return !revoked.isEmpty();
        });
    }

    /** Runs {@code body} under the lock, then the actions it queued, outside the lock, in order. */
    private <T> T locked(Function<List<Runnable>, T> body) {
        List<Runnable> after = new ArrayList<>();
        T result;
        lock.lock();
        try {
            result = body.apply(after);
        } finally {
            lock.unlock();
        }
        for (Runnable action : after) {
            action.run();
        }
        return result;
    }

    /**
     * The lease ended (revoked or expired): its key goes, and its term is lost. A waiting campaign whose
     * leadership is still open enters a fresh candidacy, at the back of the queue, and campaigns on, as the etcd
     * campaign does: a standby stays a standby. Only an abandoned (closed) candidacy's campaign fails.
     */
    private void endLease(Candidacy candidacy, String reason, List<Runnable> after) {
        if (!candidacy.live) {
            return;
        }
        MemoryTerm term = candidacy.term;
        if (term != null) {
            if (term.status == Term.Status.LEADING) {
                term.status = Term.Status.LOST;
                LeadershipLostException lost = new LeadershipLostException(reason);
                after.add(() -> term.lost.complete(lost));
            }
            deleteKey(candidacy, after);
            return;
        }
        deleteKey(candidacy, after);
        MemoryCampaign campaign = candidacy.campaign;
        if (candidacy.owner.closed || campaign.cancelled) {
            after.add(() -> campaign.elected.completeExceptionally(
                    new LeadershipLostException(reason + " while campaigning")));
        } else {
            Candidacy fresh = enter(candidacy.owner, campaign, after);
            log.info("{} while campaigning; campaigning on as {}", reason, fresh.key);
        }
    }

    /** A new key and lease for {@code campaign}, behind every live key. */
    private Candidacy enter(MemoryLeadership owner, MemoryCampaign campaign, List<Runnable> after) {
        revision++;
        Candidacy candidacy = new Candidacy(owner, campaign, nextLeaseId++, revision);
        liveKeys.put(candidacy.createRevision, candidacy);
        owner.active = candidacy;
        campaign.current = candidacy;
        electLowest(after);
        return candidacy;
    }

    private void deleteKey(Candidacy candidacy, List<Runnable> after) {
        if (!candidacy.live) {
            return;
        }
        candidacy.live = false;
        revision++;
        liveKeys.remove(candidacy.createRevision);
        if (candidacy.owner.active == candidacy) {
            candidacy.owner.active = null;
        }
        electLowest(after);
    }

    /** The lowest create revision leads; it changes only when that key goes, so this runs after every change. */
    private void electLowest(List<Runnable> after) {
        Map.Entry<Long, Candidacy> first = liveKeys.firstEntry();
        if (first == null || first.getValue().term != null) {
            return;
        }
        Candidacy leader = first.getValue();
        MemoryTerm term = new MemoryTerm(leader);
        leader.term = term;
        after.add(() -> leader.campaign.elected.complete(term));
    }

    private void expire(Candidacy candidacy) {
        locked(after -> {
            endLease(candidacy, "lease " + Long.toHexString(candidacy.leaseId) + " of candidate "
                    + candidacy.owner.candidate.id() + " expired", after);
            return null;
        });
    }

    /** One campaign's key and lease. */
    private final class Candidacy {
        final MemoryLeadership owner;
        final MemoryCampaign campaign;
        final long leaseId;
        final String key;
        final long createRevision;
        // Guarded by lock.
        boolean live = true;
        MemoryTerm term;

        Candidacy(MemoryLeadership owner, MemoryCampaign campaign, long leaseId, long createRevision) {
            this.owner = owner;
            this.campaign = campaign;
            this.leaseId = leaseId;
            this.key = ELECTION_PREFIX + Long.toHexString(leaseId);
            this.createRevision = createRevision;
        }
    }

    private final class MemoryLeadership implements Leadership {
        final Candidate candidate;
        // Guarded by lock.
        boolean closed;
        Candidacy active;

        MemoryLeadership(Candidate candidate) {
            this.candidate = candidate;
        }

        @Override
        public String description() {
            return "in-memory election (embedded, lease TTL " + lease.ttl().toSeconds() + "s)";
        }

        @Override
        public Candidate candidate() {
            return candidate;
        }

        @Override
        public Campaign campaign() {
            return locked(after -> {
                if (closed) {
                    throw new IllegalStateException("the leadership of candidate " + candidate.id() + " is closed");
                }
                if (active != null) {
                    throw new IllegalStateException("candidate " + candidate.id()
                            + " still campaigns or leads; cancel the campaign or end its term first");
                }
                MemoryCampaign campaign = new MemoryCampaign();
                enter(this, campaign, after);
                return campaign;
            });
        }

        @Override
        public DataStore data() {
            return dataStore;
        }

        /** Stops keeping the lease alive, as a crashed process would: it expires after the TTL. */
        @Override
        public void close() {
            locked(after -> {
                if (closed) {
                    return null;
                }
                closed = true;
                Candidacy abandoned = active;
                if (abandoned != null) {
                    log.debug("candidate {} closed while holding key {}: its lease expires in {}",
                            candidate.id(), abandoned.key, lease.ttl());
                    after.add(() -> clock.schedule(lease.ttl(), () -> expire(abandoned)));
                }
                return null;
            });
        }
    }

    /** One campaign: a candidacy at a time, a fresh one after each lease lost while waiting. */
    private final class MemoryCampaign implements Campaign {
        final CompletableFuture<Term> elected = new CompletableFuture<>();
        // Guarded by lock.
        Candidacy current;
        boolean cancelled;

        @Override
        public CompletableFuture<Term> elected() {
            return elected;
        }

        @Override
        public CompletableFuture<Void> cancel() {
            locked(after -> {
                cancelled = true;
                MemoryTerm term = current.term;
                if (term != null && term.status == Term.Status.LEADING) {
                    term.status = Term.Status.RELEASED;
                }
                deleteKey(current, after);
                after.add(() -> elected.cancel(false));
                return null;
            });
            return CompletableFuture.completedFuture(null);
        }
    }

    private final class MemoryTerm implements Term {
        final Candidacy candidacy;
        final CompletableFuture<LeadershipLostException> lost = new CompletableFuture<>();
        // Written under lock.
        volatile Status status = Status.LEADING;

        MemoryTerm(Candidacy candidacy) {
            this.candidacy = candidacy;
        }

        @Override
        public long fencingToken() {
            return candidacy.createRevision;
        }

        @Override
        public String leaderKey() {
            return candidacy.key;
        }

        @Override
        public Status status() {
            return status;
        }

        @Override
        public CompletableFuture<LeadershipLostException> lost() {
            return lost;
        }

        @Override
        public CompletableFuture<Void> release() {
            locked(after -> {
                if (status == Status.LEADING) {
                    status = Status.RELEASED;
                    deleteKey(candidacy, after);
                }
                return null;
            });
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> write(List<WriteOp> ops) {
            List<WriteOp> copy = List.copyOf(ops);
            return locked(after -> {
                // The etcd guard: CreateRevision(leaderKey) == token. A live key always has its own revision.
                if (!candidacy.live) {
                    return CompletableFuture.<Void>failedFuture(new FencedWriteRejectedException(fencingToken(),
                            "fenced write rejected: leader key " + candidacy.key + " with create revision "
                                    + fencingToken() + " no longer exists"));
                }
                revision++;
                for (WriteOp op : copy) {
                    apply(op, after);
                }
                return CompletableFuture.<Void>completedFuture(null);
            });
        }
    }

    private void apply(WriteOp op, List<Runnable> after) {
        if (op instanceof WriteOp.Put put) {
            byte[] value = put.value().clone();
            data.put(put.key(), value);
            changed(put.key(), value, after);
        } else if (op instanceof WriteOp.Delete delete) {
            if (data.remove(delete.key()) != null) {
                changed(delete.key(), null, after);
            }
        } else if (op instanceof WriteOp.DeletePrefix deletePrefix) {
            removeAll(new ArrayList<>(withPrefix(deletePrefix.prefix()).keySet()), after);
        } else if (op instanceof WriteOp.DeleteRange range) {
            removeAll(new ArrayList<>(data.subMap(range.from(), range.to()).keySet()), after);
        } else {
            throw new IllegalArgumentException("unknown write operation: " + op);
        }
    }

    private void removeAll(List<String> keys, List<Runnable> after) {
        for (String key : keys) {
            data.remove(key);
            changed(key, null, after);
        }
    }

    private SortedMap<String, byte[]> withPrefix(String prefix) {
        SortedMap<String, byte[]> matches = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : data.tailMap(prefix, true).entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                break;
            }
            matches.put(entry.getKey(), entry.getValue().clone());
        }
        return matches;
    }

    private void changed(String key, byte[] value, List<Runnable> after) {
        for (Watch watch : watches.getOrDefault(key, List.of())) {
            watch.enqueue(value);
            after.add(watch::drain);
        }
    }

    private final class MemoryDataStore implements DataStore {

        @Override
        public CompletableFuture<Optional<byte[]>> get(String key) {
            Objects.requireNonNull(key, "key");
            return locked(after -> CompletableFuture.completedFuture(Optional.ofNullable(data.get(key))
                    .map(byte[]::clone)));
        }

        @Override
        public CompletableFuture<SortedMap<String, byte[]>> scan(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            return locked(after -> CompletableFuture.completedFuture(
                    Collections.unmodifiableSortedMap(withPrefix(prefix))));
        }

        @Override
        public CompletableFuture<List<String>> keys(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            return locked(after -> CompletableFuture.completedFuture(List.copyOf(withPrefix(prefix).keySet())));
        }

        @Override
        public Subscription watch(String key, Consumer<Optional<byte[]>> listener) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(listener, "listener");
            Watch watch = new Watch(key, listener);
            locked(after -> {
                watches.computeIfAbsent(key, k -> new ArrayList<>()).add(watch);
                watch.enqueue(data.get(key));
                after.add(watch::drain);
                return null;
            });
            return watch;
        }
    }

    /**
     * One watcher. Events are queued under the election lock, so the queue holds them in revision order, and
     * delivered by one thread at a time outside it, so the listener sees them in that order.
     */
    private final class Watch implements DataStore.Subscription {
        final String key;
        final Consumer<Optional<byte[]>> listener;
        final ConcurrentLinkedQueue<Optional<byte[]>> pending = new ConcurrentLinkedQueue<>();
        final AtomicBoolean delivering = new AtomicBoolean();
        volatile boolean closed;

        Watch(String key, Consumer<Optional<byte[]>> listener) {
            this.key = key;
            this.listener = listener;
        }

        void enqueue(byte[] value) {
            pending.add(Optional.ofNullable(value).map(byte[]::clone));
        }

        void drain() {
            while (!pending.isEmpty()) {
                if (!delivering.compareAndSet(false, true)) {
                    return; // the thread that holds the flag delivers what we queued
                }
                try {
                    Optional<byte[]> value;
                    while (!closed && (value = pending.poll()) != null) {
                        deliver(value);
                    }
                } finally {
                    delivering.set(false);
                }
                if (closed) {
                    pending.clear();
                    return;
                }
            }
        }

        private void deliver(Optional<byte[]> value) {
            try {
                listener.accept(value);
            } catch (RuntimeException e) {
                log.warn("a watcher of data key {} threw; the watch goes on", key, e);
            }
        }

        @Override
        public void close() {
            closed = true;
            locked(after -> {
                List<Watch> list = watches.get(key);
                if (list != null) {
                    list.remove(this);
                    if (list.isEmpty()) {
                        watches.remove(key);
                    }
                }
                return null;
            });
        }
    }
}
