package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.services.world.journal.JournalReplay;
import picocli.CommandLine;

/** {@code vvmhost replay}: the hash of a journal's world at a tick, as the library computes it; bad input exits 2. */
class ReplayCommandTest {

    private static final WorldConfig CONFIG = WorldConfig.defaults().withEntities(1000);
    private static final JournalCodec CODEC = new JournalCodec(CommandCatalog.of(CONFIG,
            ComponentSetRegistry.builtIn()));
    private static final List<JournalEntry> JOURNAL = List.of(
            new JournalEntry(3, List.of(new JournalEntry.Batch(0, "a", List.of(new WorldCommand.Spawn(5, 5, Map.of()),
                    new WorldCommand.OnEntity("damage", 7, Map.of("amount", 50.0)))))),
            new JournalEntry(9, List.of(new JournalEntry.Batch(2, null, List.of(new WorldCommand.Despawn(3))))));

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int execute(String... args) {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(Map.of())).commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path journal(List<JournalEntry> entries) throws IOException {
        StringBuilder lines = new StringBuilder();
        // In reverse, with a blank line: entries may come in any order.
        for (int i = entries.size() - 1; i >= 0; i--) {
            lines.append(new String(CODEC.encode(entries.get(i)), StandardCharsets.UTF_8)).append("\n\n");
        }
        return Files.writeString(dir.resolve("journal.jsonl"), lines);
    }

    @Test
    void printsTheHashOfTheJournalsWorldAtTheTick() throws IOException {
        Path file = journal(JOURNAL);

        assertThat(execute("replay", "--world-entities", "1000", "--journal", file.toString(), "--tick", "12"))
                .as(err.toString()).isZero();

        JournalReplay.Replayed expected = JournalReplay.replay(CONFIG, ComponentSetRegistry.builtIn(), JOURNAL, 12);
        assertThat(out.toString()).startsWith("tick 12, hash " + expected.hexHash() + ", " + expected.population()
                + " entities; 3 commands applied, 0 ignored").contains("journal: 2 entries, 3 commands");
        out.getBuffer().setLength(0);
        assertThat(execute("replay", "--world-entities", "1000", "--journal", file.toString(), "--tick", "12",
                "--json")).isZero();
        assertThat(out.toString()).contains("\"hash\" : \"" + expected.hexHash() + "\"", "\"commandsApplied\" : 3");
    }

    @Test
    void aDamagedJournalOrABadTickExitsTwoNamingTheOptionAndTheLine() throws IOException {
        Path file = journal(JOURNAL);
        Files.writeString(file, "{\"v\":1,\"tick\":4,\"batches\":[{\"seq\":9,\"commands\":[{\"kind\":\"heal\"}]}]}\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThat(execute("replay", "--journal", file.toString(), "--tick", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--journal'", "line 5",
                "batches[0].commands[0].entity: required").doesNotContain("\tat ");

        assertThat(execute("replay", "--journal", dir.resolve("nothing").toString(), "--tick", "5")).isEqualTo(2);
        assertThat(execute("replay", "--journal", journal(JOURNAL).toString(), "--tick", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("the tick is at least 0, got -1");
    }
}
