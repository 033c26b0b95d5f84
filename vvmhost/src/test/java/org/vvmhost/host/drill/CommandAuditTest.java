package org.vvmhost.host.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.services.world.journal.JournalReplay;

/** The client's commands against a journal: lost, journaled twice, or where their acknowledgements put them. */
class CommandAuditTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WorldConfig WORLD = WorldConfig.parse("", Map.of("world.entities", "200"));
    private static final CommandCatalog CATALOG = CommandCatalog.of(WORLD, ComponentSetRegistry.builtIn());
    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

    @Test
    void everyAcknowledgedCommandWhereItsReceiptPutItPasses() {
        List<EtcdHistory.JournalPut> journal = List.of(put(1, entry(5, batch(0, "drill-0", 2))),
                put(2, entry(6, batch(2, "drill-1", 1))));

        CommandAudit.Result result = CommandAudit.audit(journal, List.of(ack("drill-0", 5, 0, 2),
                ack("drill-1", 6, 2, 1)), CATALOG);

        assertThat(result.lost()).isEmpty();
        assertThat(result.twice()).isEmpty();
        assertThat(result.damaged()).isEmpty();
        assertThat(result.entries()).isEqualTo(2);
        assertThat(result.journaled()).isEqualTo(3);
        assertThat(result.ackedCommands()).isEqualTo(3);
    }

    @Test
    void anAcknowledgedCommandMissingOrElsewhereIsLost() {
        List<EtcdHistory.JournalPut> journal = List.of(put(1, entry(5, batch(0, "drill-0", 1))));

        CommandAudit.Result result = CommandAudit.audit(journal, List.of(ack("drill-0", 4, 0, 1),
                ack("drill-1", 6, 1, 1)), CATALOG);

        assertThat(result.lost()).containsExactly(
                "drill-0: sequence number 0 was acknowledged for tick 4, but the journal holds "
                        + command(0) + " at tick 5",
                "drill-1: sequence number 1 (tick 6) is in no journal entry");
    }

    @Test
    void aSequenceNumberOrAKeyJournaledTwiceIsACommandAppliedTwice() {
        List<EtcdHistory.JournalPut> journal = List.of(put(1, entry(5, batch(0, "drill-0", 1))),
                put(7, entry(9, batch(0, "drill-9", 1))), put(8, entry(9, batch(1, "drill-0", 1))));

        CommandAudit.Result result = CommandAudit.audit(journal, List.of(), CATALOG);

        assertThat(result.twice()).containsExactly("sequence number 0 journaled again at revision 7",
                "idempotency key drill-0 journaled again at revision 8");
    }

    @Test
    void anUnreadableEntryIsReported() {
        CommandAudit.Result result = CommandAudit.audit(List.of(new EtcdHistory.JournalPut(3,
                "e-data/journal/x", "{".getBytes(StandardCharsets.UTF_8))), List.of(), CATALOG);

        assertThat(result.damaged()).singleElement().asString().contains("e-data/journal/x (revision 3)");
    }

    @Test
    void theLongestSilenceRunsFromTheFaultToTheFirstAcknowledgementAfterIt() {
        List<Instant> acked = List.of(at(100), at(120), at(1500), at(1520), at(1700));

        assertThat(CommandAudit.longestSilence(acked, at(110), at(1700))).hasValue(1380);
        assertThat(CommandAudit.longestSilence(acked, at(1510), at(1600))).hasValue(80);
        assertThat(CommandAudit.longestSilence(acked, at(1600), at(1600))).isEmpty();
    }

    @Test
    void theReplayGivesTheHashesThatTheServicesReplayGives() {
        List<JournalEntry> journal = List.of(entry(3, batch(0, "drill-0", 2)), entry(5, batch(2, "drill-1", 1)));

        Map<Long, String> hashes = CommandAudit.replayedHashes(WORLD, journal, Set.of(2L, 6L));

        assertThat(hashes).containsOnlyKeys(2L, 6L);
        assertThat(hashes.get(6L)).isEqualTo(JournalReplay.replay(WORLD, ComponentSetRegistry.builtIn(), journal, 6)
                .hexHash());
        assertThat(hashes.get(2L)).isEqualTo(JournalReplay.replay(WORLD, ComponentSetRegistry.builtIn(), List.of(), 2)
                .hexHash());
    }

    @Test
    void aHighRateGoesInFewerLargerRequests() {
        assertThat(CommandLoad.commandsPerRequest(20)).isEqualTo(1);
        assertThat(CommandLoad.commandsPerRequest(50)).isEqualTo(1);
        assertThat(CommandLoad.commandsPerRequest(51)).isEqualTo(2);
        assertThat(CommandLoad.commandsPerRequest(500)).isEqualTo(10);
    }

    /** The {@code i}-th spawn the tests send. */
    private static WorldCommand command(long i) {
        return new WorldCommand.Spawn(10 + i, 20, Map.of());
    }

    private static ArrayNode sent(long firstSeq, int count) {
        ArrayNode commands = JSON.createArrayNode();
        for (long i = firstSeq; i < firstSeq + count; i++) {
            commands.addObject().put("kind", "spawn").put("x", 10.0 + i).put("y", 20.0);
        }
        return commands;
    }

    private static JournalEntry.Batch batch(long seq, String key, int count) {
        return new JournalEntry.Batch(seq, key, java.util.stream.LongStream.range(seq, seq + count)
                .mapToObj(CommandAuditTest::command).toList());
    }

    private static JournalEntry entry(long tick, JournalEntry.Batch... batches) {
        return new JournalEntry(tick, List.of(batches));
    }

    private static EtcdHistory.JournalPut put(long revision, JournalEntry entry) {
        return new EtcdHistory.JournalPut(revision, "e-data/journal/" + entry.tick() + "/" + entry.firstSeq(),
                new JournalCodec(CATALOG).encode(entry));
    }

    private static CommandLoad.Ack ack(String key, long tick, long seq, int count) {
        return new CommandLoad.Ack(key, sent(seq, count), tick, seq, false, T0, T0, 1);
    }

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }
}
