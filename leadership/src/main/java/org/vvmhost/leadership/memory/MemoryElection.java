package org.vvmhost.leadership.memory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.SwitchoverIntent;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.UnknownCandidateException;
import org.vvmhost.leadership.WriteConditionFailedException;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * The in-memory election. One lock guards the whole keyspace, as etcd serialises its revisions. Work that calls
 * out (completing futures, delivering watch events, scheduling lease expiry) is queued under the lock and run after
 * it is released.
 */
final class MemoryElection implements InMemoryElection {

    private static final Logger log = LoggerFactory.getLogger(MemoryElection.class);

    /** Never wiped, so one epoch serves every term. */
    static final long EPOCH = 1;

    /** The prefix of election keys; data lives in its own map, so the two namespaces cannot collide. */
    private final String electionPrefix;
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
    /** Owner key → the keys whose puts were bound to its life. */
    private final Map<String, Set<String>> boundTo = new HashMap<>();
    /** Counts the switchover intents written, so that an expiry removes only the intent it was scheduled for. */
    private long intents;

    MemoryElection(String name, Clock clock, LeaseSettings lease) {
        if (Objects.requireNonNull(name, "name").isBlank() || name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException("an election's name must not be blank or start or end with '/'; got '"
                    + name + "'");
        }
        this.electionPrefix = name + "/";
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
        if (removeKey(candidacy)) {
            electLowest(after);
        }
    }

    /** Removes a live key without electing; false if it was gone already. */
    private boolean removeKey(Candidacy candidacy) {
        if (!candidacy.live) {
            return false;
        }
        candidacy.live = false;
        revision++;
        liveKeys.remove(candidacy.createRevision);
        if (candidacy.owner.active == candidacy) {
            candidacy.owner.active = null;
        }
        return true;
    }

    /**
     * The lowest create revision leads; it changes only when that key goes, so this runs after every change. As on
     * etcd, the first candidate reads the switchover intent: it gives way to the candidate named, or clears an intent
     * that names it or is void.
     */
    private void electLowest(List<Runnable> after) {
        Map.Entry<Long, Candidacy> first = liveKeys.firstEntry();
        if (first == null || first.getValue().term != null) {
            return;
        }
        Candidacy leader = first.getValue();
        Optional<SwitchoverIntent> intent = Optional.ofNullable(data.get(DataStore.SWITCHOVER_KEY))
                .flatMap(SwitchoverIntent::parse);
        List<String> candidates = liveKeys.values().stream().map(c -> c.owner.candidate.id()).toList();
        switch (SwitchoverIntent.verdict(intent, leader.owner.candidate.id(), candidates)) {
            case GIVE_WAY -> {
                giveWay(leader, intent.get(), after);
                return;
            }
            case CLEAR_AND_LEAD -> {
                revision++;
                apply(WriteOp.delete(DataStore.SWITCHOVER_KEY), after);
                log.info("{}: cleared as {} leads", intent.get(), leader.owner.candidate.id());
            }
            case LEAD -> {
                // Nothing to clear.
            }
        }
        if (!data.containsKey(DataStore.EPOCH_KEY)) {
            // The first leader writes the epoch, as on etcd; it never changes here.
            revision++;
            apply(WriteOp.put(DataStore.EPOCH_KEY, Long.toString(EPOCH).getBytes(StandardCharsets.US_ASCII)), after);
        }
        MemoryTerm term = new MemoryTerm(leader);
        leader.term = term;
        after.add(() -> leader.campaign.elected.complete(term));
    }

    /** The first candidate withdraws and enters again behind the candidate a switchover names. */
    private void giveWay(Candidacy first, SwitchoverIntent intent, List<Runnable> after) {
        log.info("{} is under way: {} gives way to it and enters the line again behind it", intent, first.key);
        MemoryCampaign campaign = first.campaign;
        removeKey(first);
        if (first.owner.closed || campaign.cancelled) {
            after.add(() -> campaign.elected.completeExceptionally(new LeadershipLostException(
                    "the candidacy " + first.key + " of a closed leadership gave way to " + intent.successor())));
            electLowest(after);
        } else {
            enter(first.owner, campaign, after);
        }
    }

    private void expireIntent(long intent) {
        locked(after -> {
            if (intent == intents && data.containsKey(DataStore.SWITCHOVER_KEY)) {
                revision++;
                apply(WriteOp.delete(DataStore.SWITCHOVER_KEY), after);
                log.info("the switchover intent expired");
            }
            return null;
        });
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
            this.key = electionPrefix + Long.toHexString(leaseId);
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
            return "in-memory election '" + electionPrefix.substring(0, electionPrefix.length() - 1)
                    + "' (embedded, lease TTL " + Durations.text(lease.ttl()) + ")";
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
        public FencingToken fencingToken() {
            return new FencingToken(EPOCH, candidacy.createRevision);
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
        public CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor) {
            SwitchoverIntent intent = new SwitchoverIntent(Objects.requireNonNull(candidateId, "candidateId"),
                    candidacy.owner.candidate.id(), fencingToken(), clock.instant(), validFor);
            return locked(after -> {
                if (!candidacy.live) {
                    return CompletableFuture.<Void>failedFuture(new FencedWriteRejectedException(fencingToken(),
                            "no successor named: leader key " + candidacy.key + " no longer exists"));
                }
                if (liveKeys.values().stream().noneMatch(c -> c.owner.candidate.id().equals(candidateId))) {
                    return CompletableFuture.<Void>failedFuture(new UnknownCandidateException("no candidate '"
                            + candidateId + "' in the election; nothing was written"));
                }
                revision++;
                long written = ++intents;
                apply(WriteOp.put(DataStore.SWITCHOVER_KEY, intent.toJson()), after);
                after.add(() -> clock.schedule(validFor, () -> expireIntent(written)));
                log.info("{}: written", intent);
                return CompletableFuture.<Void>completedFuture(null);
            });
        }

        @Override
        public CompletableFuture<Void> write(List<WriteOp> ops) {
            List<WriteOp> copy = List.copyOf(ops);
            WriteOp.refuseReserved(copy);
            return locked(after -> {
                // The etcd guard: CreateRevision(leaderKey) == token. A live key always has its own revision.
                if (!candidacy.live) {
                    return CompletableFuture.<Void>failedFuture(new FencedWriteRejectedException(fencingToken(),
                            "fenced write rejected: leader key " + candidacy.key + " with create revision "
                                    + candidacy.createRevision + " no longer exists"));
                }
                Optional<String> unmet = unmet(copy);
                if (unmet.isPresent()) {
                    return CompletableFuture.<Void>failedFuture(new WriteConditionFailedException("write of "
                            + candidacy.key + " not applied: " + unmet.get() + "; nothing was written"));
                }
                revision++;
                for (WriteOp op : copy) {
                    apply(op, after);
                }
                return CompletableFuture.<Void>completedFuture(null);
            });
        }
    }

    /** The first condition of {@code ops} that does not hold, said for a message. Under the lock. */
    private Optional<String> unmet(List<WriteOp> ops) {
        for (WriteOp op : ops) {
            if (op instanceof WriteOp.Expect expect) {
                byte[] stored = data.get(expect.key());
                boolean holds = expect.value().isPresent() ? stored != null && Arrays.equals(stored,
                        expect.value().get()) : stored == null;
                if (!holds) {
                    return Optional.of("'" + expect.key() + "' " + (expect.value().isPresent()
                            ? "does not hold the value expected" : "is not absent"));
                }
            } else if (op instanceof WriteOp.PutBound bound && !data.containsKey(bound.owner())) {
                return Optional.of("the data key '" + bound.owner() + "', to whose life a put is bound, does not "
                        + "exist");
            }
        }
        return Optional.empty();
    }

    private void apply(WriteOp op, List<Runnable> after) {
        if (op instanceof WriteOp.Put put) {
            put(put.key(), put.value(), after);
            // As on etcd, where a put without a lease unbinds the key.
            boundTo.values().forEach(bound -> bound.remove(put.key()));
        } else if (op instanceof WriteOp.PutBound bound) {
            put(bound.key(), bound.value(), after);
            // Data keys have no leases here: a bound key goes when its owner is deleted.
            boundTo.computeIfAbsent(bound.owner(), owner -> new TreeSet<>()).add(bound.key());
        } else if (op instanceof WriteOp.Expect) {
            // A condition, checked before any operation applied.
        } else if (op instanceof WriteOp.Delete delete) {
            remove(delete.key(), after);
        } else if (op instanceof WriteOp.DeletePrefix deletePrefix) {
            removeAll(new ArrayList<>(withPrefix(deletePrefix.prefix()).keySet()), after);
        } else if (op instanceof WriteOp.DeleteRange range) {
            removeAll(new ArrayList<>(data.subMap(range.from(), range.to()).keySet()), after);
        } else {
            throw new IllegalArgumentException("unknown write operation: " + op);
        }
    }

    private void put(String key, byte[] given, List<Runnable> after) {
        byte[] value = given.clone();
        data.put(key, value);
        changed(key, value, after);
    }

    private void removeAll(List<String> keys, List<Runnable> after) {
        keys.forEach(key -> remove(key, after));
    }

    /** Removes {@code key}, and the keys bound to its life. */
    private void remove(String key, List<Runnable> after) {
        if (data.remove(key) != null) {
            changed(key, null, after);
        }
        Set<String> bound = boundTo.remove(key);
        if (bound != null) {
            bound.forEach(dependent -> remove(dependent, after));
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
        public CompletableFuture<SortedSet<String>> keys(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            return locked(after -> CompletableFuture.completedFuture(
                    Collections.unmodifiableSortedSet(new TreeSet<>(withPrefix(prefix).keySet()))));
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
