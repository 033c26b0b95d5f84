package org.vvmhost.services.world.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.Term;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.testing.EtcdCandidates;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/** The command journal on a real etcd: fenced appends, reads above the client's reply limit, trimming. */
class CommandJournalOnEtcdTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static final JournalCodec CODEC = new JournalCodec(CommandCatalog.of(WorldConfig.defaults(),
            ComponentSetRegistry.builtIn()));

    private final Duration budget = TestTiming.current().scaled(Duration.ofSeconds(20));
    private final EtcdCandidates candidates = new EtcdCandidates(etcd, "journal");
    private final SystemClock clock = candidates.clock();
    private final Leadership first = candidates.connect("first");
    private final Leadership second = candidates.connect("second");

    @AfterEach
    void close() {
        candidates.close();
    }

    private static JournalEntry entry(long tick, long seq, int commands) {
        List<WorldCommand> batch = new ArrayList<>();
        for (int i = 0; i < commands; i++) {
            batch.add(new WorldCommand.OnEntity("heal", seq + i, Map.of("amount", (double) tick)));
        }
        return new JournalEntry(tick, List.of(new JournalEntry.Batch(seq, "key-" + seq, batch)));
    }

    private void append(CommandJournal journal, JournalEntry entry) throws Exception {
        journal.append(entry.tick(), entry.firstSeq(), CODEC.encode(entry)).get(budget.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The journal's keys in etcd, as a third party reads them. */
    private List<String> storedKeys() throws Exception {
        try (Leadership reader = candidates.connect("reader")) {
            return List.copyOf(reader.data().keys(CommandJournal.PREFIX).get(budget.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aDeposedLeadersAppendIsRefusedAndNothingOfItIsStored() throws Exception {
        Term term = first.campaign().elected().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        CommandJournal journal = CommandJournal.inElection(first.data(), term, CODEC, budget, clock);
        append(journal, entry(1, 0, 3));
        var campaign = second.campaign();
        // The leader's lease is revoked behind its back, as when it was paused past its TTL.
        etcd.revokeLease(Long.parseLong(term.leaderKey().substring(term.leaderKey().lastIndexOf('/') + 1), 16));
        Term next = campaign.elected().get(budget.toMillis(), TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> append(journal, entry(2, 3, 5)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FencedWriteRejectedException.class);

        assertThat(storedKeys()).containsExactly(CommandJournal.key(1, 0));
        CommandJournal successors = CommandJournal.inElection(second.data(), next, CODEC, budget, clock);
        assertThat(successors.readAfter(0)).containsExactly(entry(1, 0, 3));
        append(successors, entry(2, 3, 1));
        assertThat(successors.readAfter(0)).containsExactly(entry(1, 0, 3), entry(2, 3, 1));
        next.release().get(budget.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void trimmingKeepsEveryEntryAfterTheViewAndReadsGoPastTheClientsReplyLimit() throws Exception {
        Term term = first.campaign().elected().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        CommandJournal journal = CommandJournal.inElection(first.data(), term, CODEC, budget, clock);
        List<JournalEntry> written = new ArrayList<>();
        long seq = 0;
        for (long tick = 1; tick <= 30; tick++) {
            for (int k = 0; k < 2; k++) {
                // Ticks 20 to 25 hold entries of about 900 KB each: 10 MB in all, above the 4 MiB of one reply.
                int commands = tick >= 20 && tick <= 25 ? 18_000 : 2;
                JournalEntry entry = entry(tick, seq, commands);
                seq += commands;
                append(journal, entry);
                written.add(entry);
            }
        }

        journal.trimThrough(17);

        List<JournalEntry> kept = written.stream().filter(entry -> entry.tick() > 17).toList();
        assertThat(journal.readAfter(0)).containsExactlyElementsOf(kept);
        assertThat(storedKeys()).hasSize(kept.size()).allSatisfy(key -> assertThat(key).isGreaterThanOrEqualTo(
                CommandJournal.key(18, 0)));
        assertThat(journal.readAfter(26)).containsExactlyElementsOf(
                written.stream().filter(entry -> entry.tick() > 26).toList());
        term.release().get(budget.toMillis(), TimeUnit.MILLISECONDS);
    }
}
