package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.journal.CommandJournal;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.time.ManualClock;

/** Group commit, the tick a write names, the loop's wait for it, refusals and idempotency keys. */
class CommandIntakeTest {

    private static final Duration BUDGET = Duration.ofSeconds(20);
    private static final JournalCodec CODEC = new JournalCodec(CommandCatalog.of(WorldConfig.defaults(),
            ComponentSetRegistry.builtIn()));
    private static final WorldServiceSettings.Commands SETTINGS = WorldServiceSettings.Commands.DEFAULTS;

    private final ManualClock clock = new ManualClock();
    private final GatedJournal journal = new GatedJournal(CODEC);
    private final BlockingQueue<RuntimeException> failures = new LinkedBlockingQueue<>();
    private final CompletableFuture<LeadershipLostException> termLost = new CompletableFuture<>();
    private final List<CommandIntake> toClose = new ArrayList<>();

    @AfterEach
    void close() {
        // Whatever a test left in flight is released, so that close does not wait for it.
        journal.releaseAll();
        toClose.forEach(CommandIntake::close);
    }

    private CommandIntake intake(WorldServiceSettings.Commands settings, List<JournalEntry> restored) {
        CommandIntake intake = new CommandIntake(journal, clock, settings, termLost, failures::add);
        intake.restore(restored, 0, -1);
        intake.start();
        toClose.add(intake);
        return intake;
    }

    private CommandIntake intake() {
        return intake(SETTINGS, List.of());
    }

    private static List<WorldCommand> damage(long entity, int amount) {
        return List.of(new WorldCommand.OnEntity("damage", entity, Map.of("amount", (double) amount)));
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static CommandRefusedException.Reason refusal(CompletableFuture<?> future) {
        try {
            future.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return ((CommandRefusedException) e.getCause()).reason();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not refused");
    }

    @Test
    void groupCommitPacksTheQueuedRequestsIntoAsFewEntriesAsTheSizeLimitAllows() throws Exception {
        CommandIntake intake = intake();
        CompletableFuture<CommandReceipt> first = intake.submit(damage(1, 1), null);
        GatedJournal.Append held = journal.next();
        // While the first write is in flight, 400 requests of 100 commands each (about 3.6 MB) queue up.
        List<WorldCommand> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(new WorldCommand.OnEntity("set-velocity", 1000 + i, Map.of("vx", 1.25, "vy", -3.5)));
        }
        int perBatch = CODEC.encode(hundred, null).bytes();
        List<CompletableFuture<CommandReceipt>> queued = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            queued.add(intake.submit(hundred, null));
        }
        held.done().complete(null);
        assertThat(done(first).seq()).isZero();

        List<GatedJournal.Append> entries = new ArrayList<>();
        int commands = 0;
        while (commands < 40_000) {
            GatedJournal.Append append = journal.commitNext();
            entries.add(append);
            commands += CODEC.decode(append.bytes(), "entry").size();
        }

        int perEntry = (CommandJournal.MAX_ENTRY_BYTES - 64) / perBatch;
        assertThat(entries).hasSize((400 + perEntry - 1) / perEntry);
        for (int i = 0; i < entries.size(); i++) {
            GatedJournal.Append entry = entries.get(i);
            assertThat(entry.bytes().length).isLessThanOrEqualTo(CommandJournal.MAX_ENTRY_BYTES);
            if (i < entries.size() - 1) {
                assertThat(entry.bytes().length).as("entry %d is full", i)
                        .isGreaterThan(CommandJournal.MAX_ENTRY_BYTES - 2 * perBatch);
            }
        }
        long expectedSeq = 1;
        for (CompletableFuture<CommandReceipt> receipt : queued) {
            assertThat(done(receipt).seq()).isEqualTo(expectedSeq);
            expectedSeq += 100;
        }
    }

    @Test
    void theLoopWaitsForTheWriteThatNamesItsTickAndAppliesExactlyWhatWasJournaled() throws Exception {
        CommandIntake intake = intake();
        CompletableFuture<CommandReceipt> receipt = intake.submit(damage(5, 9), null);
        GatedJournal.Append append = journal.next();
        assertThat(append.tick()).as("at the maximum rate, the next tick").isEqualTo(1);

        CompletableFuture<List<SequencedCommand>> tickOne = CompletableFuture.supplyAsync(() ->
                intake.commandsOf(1));
        Thread.sleep(50);
        assertThat(tickOne).as("the loop waits for the write").isNotDone();
        assertThat(receipt).isNotDone();

        append.done().complete(null);

        assertThat(done(tickOne)).containsExactly(new SequencedCommand(0,
                new WorldCommand.OnEntity("damage", 5, Map.of("amount", 9.0))));
        assertThat(done(receipt)).isEqualTo(new CommandReceipt(1, 0, List.of(5L), false));
        assertThat(intake.highestAcknowledged()).isEqualTo(1);
        // Tick 1 has started: a later write names tick 2.
        intake.submit(damage(5, 1), null);
        assertThat(journal.commitNext().tick()).isEqualTo(2);
        assertThat(intake.commandsOf(1)).as("asked again after a rewind: the same").hasSize(1);
    }

    @Test
    void aPacedLoopsWritesNameATickTheMarginAhead() throws Exception {
        CommandIntake intake = intake();
        long origin = clock.nanoTime();
        intake.schedule(new TickSchedule(1, origin, Duration.ofMillis(50).toNanos()));
        intake.commandsOf(1);
        clock.advance(Duration.ofMillis(45));

        intake.submit(damage(5, 1), null);

        assertThat(journal.commitNext().tick()).as("tick 2 is due in 5 ms, inside the 10 ms margin").isEqualTo(3);
    }

    @Test
    void aWriteThatFailsHasAnUnknownOutcomeItsTickCannotStartAndTheLeaderStops() throws Exception {
        CommandIntake intake = intake();
        CompletableFuture<CommandReceipt> receipt = intake.submit(damage(5, 1), null);
        journal.next().done().completeExceptionally(new IllegalStateException("connection reset"));

        assertThat(refusal(receipt)).isEqualTo(CommandRefusedException.Reason.OUTCOME_UNKNOWN);
        RuntimeException failure = failures.poll(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(failure).hasMessageContaining("unknown outcome").hasMessageContaining("connection reset");
        assertThatThrownBy(() -> intake.commandsOf(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tick 1 has an unknown outcome, so the tick cannot start");
        assertThat(refusal(intake.submit(damage(5, 1), null))).isEqualTo(
                CommandRefusedException.Reason.OUTCOME_UNKNOWN);
    }

    @Test
    void aWriteThatDoesNotCompleteWithinTheCommitTimeoutStopsTheTickToo() throws Exception {
        CommandIntake intake = intake();
        intake.submit(damage(5, 1), null);
        journal.next();
        CompletableFuture<List<SequencedCommand>> tickOne = CompletableFuture.supplyAsync(() ->
                intake.commandsOf(1));
        while (clock.pendingTasks() < 2) {
            Thread.sleep(5);
        }

        clock.advance(SETTINGS.commitTimeout());

        assertThatThrownBy(() -> done(tickOne)).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown outcome");
        assertThat(failures.poll(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).hasMessageContaining("within 5s");
    }

    @Test
    void aWriteInFlightIsGivenUpAtOnceWhenTheTermIsLost() throws Exception {
        CommandIntake intake = intake();
        CompletableFuture<CommandReceipt> receipt = intake.submit(damage(5, 1), null);
        journal.next();
        // The write waits: its commit timeout is set on the clock.
        await().atMost(BUDGET).until(() -> clock.pendingTasks() > 0);

        // No time passes on the clock: the commit timeout plays no part.
        termLost.complete(new LeadershipLostException("no keepalive succeeded within the renew deadline"));

        assertThat(refusal(receipt)).isEqualTo(CommandRefusedException.Reason.OUTCOME_UNKNOWN);
        assertThat(failures.poll(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).hasMessageContaining("unknown outcome")
                .hasMessageContaining("the term was lost while the command journal write was in flight: given up")
                .hasRootCauseMessage("no keepalive succeeded within the renew deadline");
        assertThatThrownBy(() -> intake.commandsOf(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tick 1 has an unknown outcome");
    }

    @Test
    void aFencedWriteIsRefusedAndTheTickAppliesNothingOfIt() throws Exception {
        CommandIntake intake = intake();
        CompletableFuture<CommandReceipt> receipt = intake.submit(damage(5, 1), null);
        journal.next().done().completeExceptionally(new FencedWriteRejectedException(new FencingToken(1, 3),
                "no longer leads"));

        assertThat(refusal(receipt)).isEqualTo(CommandRefusedException.Reason.NOT_LEADER);
        assertThat(intake.commandsOf(1)).isEmpty();
        assertThat(failures.poll(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).hasMessageContaining("deposed");
        assertThat(refusal(intake.submit(damage(5, 1), null))).isEqualTo(CommandRefusedException.Reason.NOT_LEADER);
    }

    @Test
    void aRetryWithTheSameKeyIsJournaledOnceAndAKeyReusedForOtherCommandsIsRefused() throws Exception {
        CommandIntake intake = intake();
        CompletableFuture<CommandReceipt> first = intake.submit(damage(5, 1), "order-1");
        GatedJournal.Append held = journal.next();
        CompletableFuture<CommandReceipt> queued = intake.submit(damage(6, 2), "order-2");
        CompletableFuture<CommandReceipt> queuedRetry = intake.submit(damage(6, 2), "order-2");
        held.done().complete(null);
        journal.commitNext();

        CompletableFuture<CommandReceipt> retry = intake.submit(damage(5, 1), "order-1");

        assertThat(done(first).duplicate()).isFalse();
        assertThat(done(retry)).isEqualTo(new CommandReceipt(done(first).tick(), 0, List.of(5L), true));
        assertThat(done(queuedRetry).seq()).isEqualTo(done(queued).seq());
        assertThat(refusal(intake.submit(damage(5, 2), "order-1"))).isEqualTo(
                CommandRefusedException.Reason.KEY_REUSED);
        assertThat(journal.appends).as("no more writes").isEmpty();
        assertThat(journal.readAfter(0)).hasSize(2);
    }

    @Test
    void keysSurviveAFailoverThroughTheJournal() throws Exception {
        CommandIntake old = intake();
        CommandReceipt original = done(commit(old.submit(damage(5, 1), "order-1")));
        old.close();

        CommandIntake successor = intake(SETTINGS, journal.readAfter(0));

        assertThat(done(successor.submit(damage(5, 1), "order-1"))).isEqualTo(new CommandReceipt(original.tick(),
                original.seq(), original.entities(), true));
        assertThat(journal.appends).isEmpty();
        CompletableFuture<CommandReceipt> fresh = successor.submit(damage(5, 1), "order-2");
        assertThat(done(commit(fresh)).seq()).as("sequence numbers go on").isEqualTo(1);
    }

    private <T> CompletableFuture<T> commit(CompletableFuture<T> future) throws InterruptedException {
        journal.commitNext();
        return future;
    }

    @Test
    void aFloodIsRefusedAsBusyOnceThePendingCommandsReachTheLimit() throws Exception {
        CommandIntake intake = intake(new WorldServiceSettings.Commands(3, Duration.ofSeconds(5), Duration.ZERO,
                10), List.of());
        intake.submit(damage(1, 1), null);
        journal.next();
        List<CompletableFuture<CommandReceipt>> queued = List.of(intake.submit(damage(1, 1), null),
                intake.submit(damage(2, 1), null), intake.submit(damage(3, 1), null));

        assertThat(refusal(intake.submit(damage(4, 1), null))).isEqualTo(CommandRefusedException.Reason.BUSY);
        assertThat(queued).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void aSpawnsReceiptNamesItsEntityBySequenceNumberAndARetryNamesTheSame() throws Exception {
        CommandIntake intake = intake();
        WorldCommand spawn = new WorldCommand.Spawn(1, 2, Map.of());
        CompletableFuture<CommandReceipt> a = intake.submit(List.of(spawn, spawn), "spawns");
        GatedJournal.Append held = journal.next();
        CompletableFuture<CommandReceipt> b = intake.submit(List.of(new WorldCommand.Despawn(7), spawn), null);
        held.done().complete(null);
        journal.commitNext();

        long first = WorldCommand.SPAWNED_IDS;
        assertThat(done(a).entities()).containsExactly(first, first + 1);
        assertThat(done(b).entities()).containsExactly(7L, first + 3);
        assertThat(done(intake.submit(List.of(spawn, spawn), "spawns")).entities()).containsExactly(first, first + 1);
        assertThat(intake.spawning(first + 3)).as("named by commands before its tick").isTrue();
        intake.commandsOf(1);
        assertThat(intake.spawning(first + 3)).as("during its tick").isTrue();
        intake.commandsOf(2);
        assertThat(intake.spawning(first + 3)).as("then the world has it").isFalse();
    }

    @Test
    void closingRefusesNewAndQueuedRequestsAndWaitsForTheWriteInFlight() throws Exception {
        CommandIntake intake = intake();
        CompletableFuture<CommandReceipt> inFlight = intake.submit(damage(1, 1), null);
        GatedJournal.Append held = journal.next();
        CompletableFuture<CommandReceipt> queued = intake.submit(damage(2, 1), null);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(intake::close);

        assertThat(refusal(queued)).isEqualTo(CommandRefusedException.Reason.UNAVAILABLE);
        assertThat(refusal(intake.submit(damage(3, 1), null))).isEqualTo(CommandRefusedException.Reason.UNAVAILABLE);
        assertThat(closing).as("close waits for the write in flight").isNotDone();
        held.done().complete(null);
        done(closing);
        assertThat(done(inFlight).seq()).isZero();
    }
}
