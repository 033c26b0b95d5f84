package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.journal.CommandJournal;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.services.world.journal.JournalReplay;
import org.vvmhost.testing.ForwardingTerm;
import org.vvmhost.time.ManualClock;
import org.vvmhost.vvm.ElectionContext;

/**
 * Commands through the world service on a manual clock: acknowledged once journaled, applied at their tick, read back
 * by queries, and never lost when the leader dies without a final view: its successor replays the journal.
 */
class WorldCommandsServiceTest {

    private static final Duration BUDGET = Duration.ofSeconds(20);
    private static final Duration PERIOD = WorldSimulationServiceTest.PERIOD;
    private static final WorldConfig PACED = WorldSimulationServiceTest.PACED;

    private final ManualClock clock = new ManualClock();
    private final InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
    private final WorldViewLocation.InElection location =
            new WorldViewLocation.InElection("world", Duration.ofSeconds(10));
    private final List<AutoCloseable> toClose = new ArrayList<>();
    /** Every command acknowledged, with its tick and sequence number, as a journal: the reference's input. */
    private final List<JournalEntry> acknowledged = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("world-"));
    }

    private record Leader(Leadership leadership, Term term, ElectionContext context, WorldSimulationService service) {
    }

    private Leader lead(String id) throws Exception {
        return lead(id, term -> term);
    }

    /** A leader whose services see its term through {@code view}. */
    private Leader lead(String id, UnaryOperator<Term> view) throws Exception {
        Leadership leadership = election.join(new Candidate(id, "test-host", 1, Instant.EPOCH));
        toClose.add(leadership);
        Term term = leadership.campaign().elected().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        ElectionContext context = new ElectionContext(view.apply(term), leadership.data());
        WorldSimulationService service = WorldSimulationService.create(WorldServiceSettings.of(PACED).withThreads(1),
                ComponentSetRegistry.builtIn(), c -> location.open(c, clock), Optional.empty(), clock);
        service.start(context);
        toClose.add(service::stop);
        return new Leader(leadership, term, context, service);
    }

    private CommandReceipt submit(WorldGateway gateway, List<WorldCommand> commands, String key) throws Exception {
        CommandReceipt receipt = ticking(gateway.submit(commands, key));
        if (!receipt.duplicate()) {
            acknowledged.add(new JournalEntry(receipt.tick(), List.of(new JournalEntry.Batch(receipt.seq(), key,
                    commands))));
        }
        return receipt;
    }

    /** Lets the paced loop run at least {@code ticks} more ticks, moving the clock on in small steps. */
    private void run(WorldSimulationService service, int ticks) {
        long target = service.tick() + ticks;
        await().atMost(BUDGET).pollInterval(Duration.ofMillis(2)).until(() -> {
            clock.advance(PERIOD.dividedBy(5));
            return service.tick() >= target;
        });
    }

    private <T> T read(WorldGateway gateway, java.util.function.Function<org.vvmhost.services.world.World, T>
            query) throws Exception {
        return ticking(gateway.read(query));
    }

    /** The future's value, moving the clock on while it waits: a receipt or a read may wait for a tick. */
    private <T> T ticking(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        await().atMost(BUDGET).pollInterval(Duration.ofMillis(2)).until(() -> {
            if (!future.isDone()) {
                clock.advance(PERIOD.dividedBy(5));
            }
            return future.isDone();
        });
        return future.get();
    }

    @Test
    void commandsAreAcknowledgedOnceJournaledAppliedAtTheirTickAndReadBack() throws Exception {
        Leader leader = lead("first");
        WorldGateway gateway = leader.service().gateway();
        run(leader.service(), 2);

        CommandReceipt spawn = submit(gateway, List.of(new WorldCommand.Spawn(250, 750,
                Map.of("vitality", Map.of("health", 60.0)))), null);
        long victim = read(gateway, w -> w.entities(new int[] {0}, 1).get(0).id());
        CommandReceipt despawn = submit(gateway, List.of(new WorldCommand.Despawn(victim)), "gone-1");

        assertThat(spawn.tick()).as("the next tick not yet started").isGreaterThan(2);
        assertThat(despawn.seq()).isEqualTo(spawn.seq() + 1);
        long spawned = spawn.entities().get(0);
        Optional<EntityRecord> read = read(gateway, w -> w.entity(spawned));
        assertThat(read).as("a read after the receipt sees the command's tick").isPresent();
        assertThat(read.get().components().get("physics").get("x").floatValue()).isCloseTo(250f,
                org.assertj.core.data.Offset.offset(6f));
        boolean victimExists = read(gateway, w -> w.exists(victim));
        long readAt = read(gateway, w -> w.tick());
        assertThat(victimExists).isFalse();
        assertThat(readAt).isGreaterThanOrEqualTo(despawn.tick());
        assertThat(submit(gateway, List.of(new WorldCommand.Despawn(victim)), "gone-1").duplicate()).isTrue();

        List<JournalEntry> journal = CommandJournal.inElection(leader.leadership().data(), leader.term(),
                new org.vvmhost.services.world.journal.JournalCodec(gateway.catalog()), BUDGET, clock).readAfter(0);
        // A view (one every 5 ticks) trims the entries it holds; asked after the read, it covers every trim before it.
        long saved = leader.service().lastBackup().map(WorldView.Header::tick).orElse(0L);
        assertThat(acknowledged).extracting(JournalEntry::tick).containsExactly(spawn.tick(), despawn.tick());
        assertThat(acknowledged).as("what no view holds yet is journaled")
                .filteredOn(entry -> entry.tick() > saved).isSubsetOf(journal);
        assertThat(journal).as("and nothing else").isSubsetOf(acknowledged);
        assertThat(leader.context().failures).isEmpty();
    }

    /** What the failures say: the journal's, apart from the backups' of a term that ended. */
    private static List<String> journalFailures(ElectionContext context) {
        return context.failures.stream().map(Throwable::getMessage).filter(m -> m.contains("command journal"))
                .toList();
    }

    @Test
    void aJournalWriteFencedOffAfterTheTermEndedIsALossOfLeadershipNotAServiceFailure() throws Exception {
        Leader leader = lead("first");
        run(leader.service(), 2);
        assertThat(election.revoke("first")).isTrue();

        CompletableFuture<CommandReceipt> refused = leader.service().gateway().submit(List.of(
                new WorldCommand.Spawn(5, 5, Map.of())), null);

        assertThat(refused).failsWithin(BUDGET).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(CommandRefusedException.class)
                .satisfies(e -> assertThat(((CommandRefusedException) e).reason())
                        .isEqualTo(CommandRefusedException.Reason.NOT_LEADER));
        clock.advance(Duration.ofMinutes(1));

        // The leadership monitor reports the loss, as the term's own; the service adds no failure of its own.
        assertThat(journalFailures(leader.context())).isEmpty();
    }

    @Test
    void aJournalWriteFencedOffWhileTheTermThinksItLeadsFailsTheServiceIfTheTermNeverNotices() throws Exception {
        Leader leader = lead("first", term -> new ForwardingTerm(term) {
            @Override
            public CompletableFuture<Void> write(List<WriteOp> ops) {
                return ops.stream().anyMatch(op -> op instanceof WriteOp.Put put
                        && put.key().startsWith(CommandJournal.PREFIX))
                        ? CompletableFuture.failedFuture(new FencedWriteRejectedException(fencingToken(),
                                "write fenced off: another leader's epoch"))
                        : super.write(ops);
            }
        });
        run(leader.service(), 2);

        CompletableFuture<CommandReceipt> refused = leader.service().gateway().submit(List.of(
                new WorldCommand.Spawn(5, 5, Map.of())), null);

        assertThat(refused).failsWithin(BUDGET);
        long refusedAt = clock.nanoTime();
        await().atMost(BUDGET).pollInterval(Duration.ofMillis(2)).until(() -> {
            clock.advance(Duration.ofSeconds(1));
            return !journalFailures(leader.context()).isEmpty();
        });

        assertThat(Duration.ofNanos(clock.nanoTime() - refusedAt)).as("the time the term had to notice")
                .isGreaterThanOrEqualTo(WorldServiceSettings.DEFAULT_STORE_TIMEOUT);
        assertThat(journalFailures(leader.context())).singleElement().asString().contains("deposed");
    }

    @Test
    void aLeaderThatDiesWithoutAFinalViewLosesNoAcknowledgedCommand() throws Exception {
        Leader first = lead("first");
        WorldGateway gateway = first.service().gateway();
        List<Long> despawned = new ArrayList<>();
        List<Long> spawned = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            run(first.service(), 1);
            long victim = read(gateway, w -> w.entities(new int[] {3}, 1).get(0).id());
            spawned.add(submit(gateway, List.of(new WorldCommand.Spawn(10 + round, 10,
                    Map.of()), new WorldCommand.OnEntity("damage", victim, Map.of("amount", 3.0))), "r" + round)
                    .entities().get(0));
            submit(gateway, List.of(new WorldCommand.Despawn(victim)), null);
            despawned.add(victim);
        }
        long lastAcknowledged = acknowledged.stream().mapToLong(JournalEntry::tick).max().orElseThrow();
        // The leader is revoked: it writes no final view, and the last periodic one is behind the commands.
        assertThat(election.revoke("first")).isTrue();
        first.service().stop();

        Leader second = lead("second");

        WorldGateway successor = second.service().gateway();
        long[] now = read(successor, w -> new long[] {w.tick(), w.hash()});
        assertThat(now[0]).as("the successor replayed the journal up to its last tick").isGreaterThanOrEqualTo(
                lastAcknowledged);
        assertThat(now[1]).isEqualTo(JournalReplay.replay(PACED, ComponentSetRegistry.builtIn(), acknowledged, now[0])
                .hash());
        try (org.vvmhost.services.world.World reference = org.vvmhost.services.world.TestWorlds.create(PACED,
                ComponentSetRegistry.builtIn(), 1)) {
            org.vvmhost.services.world.CommandScripts.advanceTo(reference, now[0], JournalReplay.source(acknowledged));
            for (long id : spawned) {
                // A spawned entity may have died since, as any does: it is where the reference has it.
                boolean exists = read(successor, w -> w.exists(id));
                assertThat(exists).as("spawned entity %d", id).isEqualTo(reference.exists(id));
                assertThat(id).isGreaterThanOrEqualTo(WorldCommand.SPAWNED_IDS);
            }
            for (long id : despawned) {
                boolean exists = read(successor, w -> w.exists(id));
                assertThat(exists).as("despawned entity %d", id).isFalse();
            }
            assertThat(spawned.stream().filter(reference::exists)).as("most spawned entities live").hasSizeGreaterThan(4);
        }
        // Keys live as long as their journal entry: the last request's is still there (the first one's was trimmed
        // with the entries behind the older of the two views kept).
        assertThat(submit(successor, List.of(new WorldCommand.Spawn(17, 10, Map.of()),
                new WorldCommand.OnEntity("damage", despawned.get(7), Map.of("amount", 3.0))), "r7").duplicate())
                .as("a retry of an acknowledged request is recognised after the failover").isTrue();
        run(second.service(), 6);
        long[] later = read(successor, w -> new long[] {w.tick(), w.hash()});
        assertThat(later[1]).isEqualTo(JournalReplay.replay(PACED, ComponentSetRegistry.builtIn(), acknowledged,
                later[0]).hash());
        assertThat(second.context().failures).isEmpty();
    }
}
