package org.vvmhost.services.world.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.services.time.Joins;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.journal.CommandJournal;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.time.Clock;
import org.vvmhost.vvm.Causes;

/**
 * The leader's way in for commands: a bounded queue, then group commit. One thread, {@code world-journal}, takes
 * every queued request (as many as fit in one journal entry), gives them sequence numbers and a tick, writes them as
 * one fenced entry, and only then acknowledges them. The tick a write names is chosen as the write starts: the first
 * tick not yet started that is due at least the commit margin away.
 *
 * <p>The tick loop asks for a tick's commands before it starts the tick ({@link #commandsOf}): from then on no write
 * names that tick, and if a write naming it is still in flight the loop waits for it, up to the commit timeout. A
 * tick never applies a command whose write has not completed, and applies every command whose write has: what is
 * applied and what is journaled are the same set. A write whose outcome is unknown (it failed, or did not finish in
 * time) is never guessed at: the intake refuses everything from then on, the tick it named cannot start, and the
 * service fails so that a successor replays what is durable. Once the term is lost nothing waits on etcd: the write
 * in flight is given up at once (its outcome unknown), so that a deposed leader stops before its successor leads.
 *
 * <p>Thread-safe. Futures are completed outside the lock.
 */
final class CommandIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);

    /** A request waiting for its write. */
    private record Pending(JournalCodec.EncodedBatch batch, String digest, CompletableFuture<CommandReceipt> future) {
    }

    /** A journal write in flight: its tick, its requests, and its outcome (null: durable) once known. */
    private record Write(long tick, List<Pending> requests, long[] seqs, CompletableFuture<Throwable> done) {
    }

    /** A durable request, as the leader remembers it for its tick and for retries with its key. */
    private record Stored(long tick, long seq, String key, List<WorldCommand> commands, String digest) {
        /** The receipt of this request: the entity of each command (a spawn's is its own, by its seq). */
        CommandReceipt receipt(boolean duplicate) {
            List<Long> entities = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                WorldCommand command = commands.get(i);
                if (command instanceof WorldCommand.Spawn) {
                    entities.add(WorldCommand.SPAWNED_IDS + seq + i);
                } else if (command instanceof WorldCommand.Despawn despawn) {
                    entities.add(despawn.entity());
                } else {
                    entities.add(((WorldCommand.OnEntity) command).entity());
                }
            }
            return new CommandReceipt(tick, seq, entities, duplicate);
        }
    }

    private final CommandJournal journal;
    private final Clock clock;
    private final WorldServiceSettings.Commands settings;
    private final Consumer<RuntimeException> failures;
    private final Thread committer;
    private final CompletableFuture<LeadershipLostException> termLost;
    /** The journal write the committer waits for, if any: given up when the term is lost. */
    private volatile CompletableFuture<Void> appending;

    // Guarded by this.
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Map<String, Pending> queuedByKey = new HashMap<>();
    private int queuedCommands;
    private Write inFlight;
    private final TreeMap<Long, List<Stored>> durable = new TreeMap<>();
    private final LinkedHashMap<String, Stored> receipts;
    private final Set<Long> unknownTicks = new HashSet<>();
    /** Entities that journaled spawns create, by tick, until the tick after theirs starts: they exist for commands. */
    private final TreeMap<Long, Set<Long>> spawning = new TreeMap<>();
    private long nextSeq;
    private long startedThrough;
    private long highestAcknowledged;
    private boolean closing;
    private CommandRefusedException refusal = new CommandRefusedException(CommandRefusedException.Reason.UNAVAILABLE,
            "the world is starting; retry in a moment");
    private volatile TickSchedule schedule = TickSchedule.UNSTARTED;

    /**
     * @param termLost completes when the term that writes the journal is lost
     */
    CommandIntake(CommandJournal journal, Clock clock, WorldServiceSettings.Commands settings,
                  CompletableFuture<LeadershipLostException> termLost, Consumer<RuntimeException> failures) {
        this.journal = journal;
        this.termLost = termLost;
        this.clock = clock;
        this.settings = settings;
        this.failures = failures;
        this.receipts = new LinkedHashMap<>();
        this.committer = new Thread(this::commitLoop, "world-journal");
    }

    /**
     * Takes over what the journal holds (every entry after the trim, including those the restored view already
     * applied: their keys still count for retries). Call once, before {@link #start}.
     *
     * @param worldTick      the tick of the restored (or fresh) world
     * @param lastCommandSeq the last sequence number the world applied
     */
    synchronized void restore(List<JournalEntry> entries, long worldTick, long lastCommandSeq) {
        long lastSeq = lastCommandSeq;
        for (JournalEntry entry : entries) {
            for (JournalEntry.Batch batch : entry.batches()) {
                Stored stored = new Stored(entry.tick(), batch.seq(), batch.key(), batch.commands(),
                        digest(journal.codec().encode(batch.commands(), batch.key()).json()));
                remember(stored);
                lastSeq = Math.max(lastSeq, batch.lastSeq());
            }
            highestAcknowledged = Math.max(highestAcknowledged, entry.tick());
        }
        nextSeq = lastSeq + 1;
        startedThrough = worldTick;
    }

    /** The highest tick the journal names: a new leader replays up to it before it takes commands. */
    synchronized long lastJournaledTick() {
        return durable.isEmpty() ? 0 : durable.lastKey();
    }

    /** Starts taking commands. */
    void start() {
        synchronized (this) {
            refusal = null;
        }
        termLost.whenComplete((reason, error) -> giveUpAppending());
        committer.start();
    }

    /** Where the tick loop's ticks fall due; writes choose their tick from it. */
    void schedule(TickSchedule next) {
        schedule = next;
    }

    /**
     * Whether a journaled spawn creates entity {@code id} at a tick that has not completed yet: a command may name it
     * as soon as its spawn was acknowledged.
     */
    synchronized boolean spawning(long id) {
        for (Set<Long> ids : spawning.values()) {
            if (ids.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a request with idempotency key {@code key} is journaled or queued (and remembered). */
    synchronized boolean knows(String key) {
        return receipts.containsKey(key) || queuedByKey.containsKey(key);
    }

    /** The highest tick of an acknowledged command: a read that follows it must see that tick completed. */
    synchronized long highestAcknowledged() {
        return highestAcknowledged;
    }

    /**
     * Queues one request's commands for the journal. Completes once they are durable; fails with a
     * {@link CommandRefusedException} if they were not taken.
     *
     * @param key the request's idempotency key, or null
     */
    CompletableFuture<CommandReceipt> submit(List<WorldCommand> commands, String key) {
        JournalCodec.EncodedBatch batch = journal.codec().encode(commands, key);
        String digest = digest(batch.json());
        if (JournalCodec.entryBytes(List.of(batch)) > CommandJournal.MAX_ENTRY_BYTES) {
            throw new IllegalArgumentException("a request of " + batch.bytes() + " bytes does not fit one journal "
                    + "entry");
        }
        CompletableFuture<CommandReceipt> future;
        synchronized (this) {
            if (key != null) {
                Stored known = receipts.get(key);
                Pending queued = queuedByKey.get(key);
                if (known != null || queued != null) {
                    String earlier = known != null ? known.digest() : queued.digest();
                    if (!earlier.equals(digest)) {
                        return CompletableFuture.failedFuture(new CommandRefusedException(
                                CommandRefusedException.Reason.KEY_REUSED, "the idempotency key '" + key
                                + "' was used before for other commands; use a new key for new commands"));
                    }
                    return queued != null ? queued.future().copy()
                            : CompletableFuture.completedFuture(known.receipt(true));
                }
            }
            if (refusal != null) {
                return CompletableFuture.failedFuture(refusal);
            }
            if (queuedCommands + commands.size() > settings.maxPending()) {
                return CompletableFuture.failedFuture(new CommandRefusedException(
                        CommandRefusedException.Reason.BUSY, queuedCommands + " commands wait to be journaled, the "
                        + "most this leader queues is " + settings.maxPending() + "; retry in a moment"));
            }
            future = new CompletableFuture<>();
            Pending pending = new Pending(batch, digest, future);
            queue.add(pending);
            queuedCommands += commands.size();
            if (key != null) {
                queuedByKey.put(key, pending);
            }
            notifyAll();
        }
        return future.copy();
    }

    /**
     * For the tick loop, before it starts {@code tick}: closes the tick to new writes, waits (up to the commit
     * timeout) for a write in flight that names it, and returns its commands. Asked again for a tick it has started
     * (a world that rewound), it returns the same commands.
     *
     * @throws OutcomeUnknownException if a write naming the tick has an unknown outcome: the tick must not start
     */
    List<SequencedCommand> commandsOf(long tick) {
        Write pending = null;
        synchronized (this) {
            startedThrough = Math.max(startedThrough, tick);
            // The spawns of earlier ticks are in the world now.
            spawning.headMap(tick).clear();
            if (inFlight != null && inFlight.tick() == tick) {
                pending = inFlight;
            }
        }
        if (pending != null) {
            awaitWrite(pending);
        }
        synchronized (this) {
            if (unknownTicks.contains(tick)) {
                throw new OutcomeUnknownException("a command journal write for tick " + tick + " has an unknown "
                        + "outcome, so the tick cannot start: this leader stops, and its successor replays what is "
                        + "durable");
            }
            List<SequencedCommand> commands = new ArrayList<>();
            for (Stored stored : durable.getOrDefault(tick, List.of())) {
                for (int i = 0; i < stored.commands().size(); i++) {
                    commands.add(new SequencedCommand(stored.seq() + i, stored.commands().get(i)));
                }
            }
            return commands;
        }
    }

    private void awaitWrite(Write write) {
        try {
            clock.orTimeout(write.done().copy(), settings.commitTimeout(), "the command journal write of "
                    + "tick " + write.tick()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the command journal write of tick "
                    + write.tick(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                synchronized (this) {
                    unknownTicks.add(write.tick());
                }
            }
        }
    }

    /** Forgets (and deletes from the journal) every entry of a tick up to {@code tick}: a view after it is saved. */
    void trimThrough(long tick) {
        journal.trimThrough(tick);
        synchronized (this) {
            durable.headMap(tick, true).clear();
        }
    }

    /** Refuses new requests, fails the queued ones, and waits for the write in flight. Idempotent. */
    @Override
    public void close() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            closing = true;
            if (refusal == null) {
                refusal = new CommandRefusedException(CommandRefusedException.Reason.UNAVAILABLE, "this leader is "
                        + "stopping; retry on the next one (with the same idempotency key)");
            }
            failQueued(refusal, after);
            notifyAll();
        }
        run(after);
        Joins.uninterruptibly(committer);
    }

    private void commitLoop() {
        while (true) {
            Write write;
            synchronized (this) {
                while (queue.isEmpty() && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (closing || refusal != null) {
                    return;
                }
                write = take();
                inFlight = write;
            }
            List<JournalCodec.EncodedBatch> batches = write.requests().stream().map(Pending::batch).toList();
            Throwable failure = append(write, journal.codec().encode(write.tick(), batches, write.seqs()));
            List<Runnable> after = new ArrayList<>();
            RuntimeException fatal = null;
            synchronized (this) {
                inFlight = null;
                if (failure == null) {
                    durable(write, after);
                } else {
                    fatal = refuse(write, failure, after);
                }
            }
            write.done().complete(failure);
            if (fatal != null) {
                // The service hears of it before the clients do.
                failures.accept(fatal);
                run(after);
                return;
            }
            run(after);
        }
    }

    /** Takes as many queued requests as fit one entry, and gives them sequence numbers and a tick. */
    private Write take() {
        long tick = schedule.tickForWrite(startedThrough, clock.nanoTime(), settings.commitMargin().toNanos());
        List<Pending> taken = new ArrayList<>();
        List<JournalCodec.EncodedBatch> batches = new ArrayList<>();
        while (!queue.isEmpty()) {
            batches.add(queue.peek().batch());
            if (!taken.isEmpty() && JournalCodec.entryBytes(batches) > CommandJournal.MAX_ENTRY_BYTES) {
                break;
            }
            Pending pending = queue.poll();
            taken.add(pending);
            queuedCommands -= pending.batch().commands().size();
            if (pending.batch().key() != null) {
                queuedByKey.remove(pending.batch().key());
            }
        }
        long[] seqs = new long[taken.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = nextSeq;
            nextSeq += taken.get(i).batch().commands().size();
        }
        return new Write(tick, taken, seqs, new CompletableFuture<>());
    }

    /**
     * The write's failure, or null once it is durable; past the commit timeout, or once the term is lost, its outcome
     * is unknown.
     */
    private Throwable append(Write write, byte[] entry) {
        try {
            CompletableFuture<Void> written = journal.append(write.tick(), write.seqs()[0], entry);
            appending = written;
            if (termLost.isDone()) {
                giveUpAppending();
            }
            clock.orTimeout(written, settings.commitTimeout(), "the command journal write of tick " + write.tick())
                    .get();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        } finally {
            appending = null;
        }
    }

    /** Fails the journal write in flight, if any, because the term is lost: nothing waits on etcd after that. */
    private void giveUpAppending() {
        CompletableFuture<Void> written = appending;
        if (written != null) {
            written.completeExceptionally(new LeadershipLostException("the term was lost while the command journal "
                    + "write was in flight: given up", termLost.getNow(null)));
        }
    }

    private void durable(Write write, List<Runnable> after) {
        highestAcknowledged = Math.max(highestAcknowledged, write.tick());
        for (int i = 0; i < write.requests().size(); i++) {
            Pending pending = write.requests().get(i);
            Stored stored = new Stored(write.tick(), write.seqs()[i], pending.batch().key(),
                    pending.batch().commands(), pending.digest());
            remember(stored);
            CommandReceipt receipt = stored.receipt(false);
            after.add(() -> pending.future().complete(receipt));
        }
    }

    private void remember(Stored stored) {
        durable.computeIfAbsent(stored.tick(), t -> new ArrayList<>()).add(stored);
        if (stored.tick() >= startedThrough) {
            List<Long> entities = stored.receipt(false).entities();
            for (int i = 0; i < stored.commands().size(); i++) {
                if (stored.commands().get(i) instanceof WorldCommand.Spawn) {
                    spawning.computeIfAbsent(stored.tick(), t -> new HashSet<>()).add(entities.get(i));
                }
            }
        }
        if (stored.key() != null) {
            receipts.put(stored.key(), stored);
            if (receipts.size() > settings.idempotencyKeys()) {
                Iterator<String> oldest = receipts.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** A write that failed: the requests are told why, and the intake refuses everything from now on. */
    private RuntimeException refuse(Write write, Throwable failure, List<Runnable> after) {
        RuntimeException fatal;
        if (Causes.find(failure, FencedWriteRejectedException.class).isPresent()) {
            refusal = new CommandRefusedException(CommandRefusedException.Reason.NOT_LEADER, "this replica no "
                    + "longer leads: its command journal write was fenced off and nothing of it was stored; retry on "
                    + "the leader (with the same idempotency key)");
            fatal = new IllegalStateException("this leader was deposed: its command journal write for tick "
                    + write.tick() + " was refused", failure);
        } else {
            unknownTicks.add(write.tick());
            refusal = new CommandRefusedException(CommandRefusedException.Reason.OUTCOME_UNKNOWN, "the command "
                    + "journal write did not complete (" + failure.getMessage() + "); its outcome is unknown, so this "
                    + "leader stops: retry on the next leader with the same idempotency key, which applies it once");
            fatal = new IllegalStateException("a command journal write for tick " + write.tick() + " has an unknown "
                    + "outcome (" + failure.getMessage() + "); stopping, so that a successor replays what is durable",
                    failure);
        }
        LOG.error("{}", fatal.getMessage());
        for (Pending pending : write.requests()) {
            CommandRefusedException why = refusal;
            after.add(() -> pending.future().completeExceptionally(why));
        }
        failQueued(refusal, after);
        return fatal;
    }

    private void failQueued(CommandRefusedException why, List<Runnable> after) {
        for (Pending pending : queue) {
            after.add(() -> pending.future().completeExceptionally(why));
        }
        queue.clear();
        queuedByKey.clear();
        queuedCommands = 0;
    }

    private static void run(List<Runnable> after) {
        after.forEach(Runnable::run);
    }

    static String digest(String json) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A journal write whose outcome is unknown: most often the term's end, which the term reports by itself. */
    static final class OutcomeUnknownException extends IllegalStateException {
        OutcomeUnknownException(String message) {
            super(message);
        }
    }
}
