package org.vvmhost.host;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.services.world.journal.JournalException;
import org.vvmhost.services.world.journal.JournalReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vvmhost replay}: the reference a failover is measured against. The world at tick N is a function of its
 * config, its command journal and N, so this runs the world from tick 0 with the journal's commands and prints the
 * world hash at N, which every leader that reached N must have had.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {
            "Runs the world of a config from tick 0 to --tick, applying the commands of a command journal, and prints "
                    + "its world hash: what every leader that reached that tick had, whoever led when.",
            "The journal is a file of entries, one JSON document per line, as a leader stores them: for example "
                    + "etcdctl get --prefix <election>-data/journal/ --print-value-only. Entries may come in any "
                    + "order; a command that appears twice is refused."
        })
final class ReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorldConfigOptions world;

    @Option(names = "--journal", paramLabel = "<file>", required = true,
            description = "The command journal: one entry (JSON) per line; blank lines are skipped.")
    private Path journal;

    @Option(names = "--tick", paramLabel = "<tick>", required = true,
            description = "The tick to run to, at least 0.")
    private long tick;

    @Option(names = "--json", description = "Prints one JSON document instead of a line of text.")
    private boolean json;

    @Inject
    ReplayCommand() {
    }

    @Override
    public Integer call() throws IOException {
        if (tick < 0) {
            throw usageError("--tick", "the tick is at least 0, got " + tick);
        }
        WorldConfig config = world.config();
        ComponentSetRegistry sets = ComponentSetRegistry.builtIn();
        List<JournalEntry> entries = read(new JournalCodec(CommandCatalog.of(config, sets)));
        JournalReplay.Replayed replayed;
        try {
            replayed = JournalReplay.replay(config, sets, entries, tick);
        } catch (JournalException e) {
            throw usageError("--journal", e.getMessage());
        }
        long commands = entries.stream().mapToLong(JournalEntry::size).sum();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("tick", replayed.tick());
            document.put("hash", replayed.hexHash());
            document.put("population", replayed.population());
            document.put("nextEntityId", replayed.nextEntityId());
            document.put("lastCommandSeq", replayed.lastCommandSeq());
            document.put("commandsApplied", replayed.commands().applied());
            document.put("commandsIgnored", replayed.commands().ignored());
            document.put("journalEntries", entries.size());
            document.put("journalCommands", commands);
            out.println(HttpApi.JSON.writeValueAsString(document));
        } else {
            out.printf("tick %d, hash %s, %d entities; %d commands applied, %d ignored (their entity was gone); "
                            + "journal: %d entries, %d commands%n", replayed.tick(), replayed.hexHash(),
                    replayed.population(), replayed.commands().applied(), replayed.commands().ignored(),
                    entries.size(), commands);
        }
        out.flush();
        return ExitCode.GRACEFUL.code();
    }

    private List<JournalEntry> read(JournalCodec codec) {
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usageError("--journal", "cannot read " + journal + ": " + e.getMessage());
        }
        List<JournalEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                entries.add(codec.decode(lines.get(i).getBytes(StandardCharsets.UTF_8), journal + ", line " + (i + 1)));
            } catch (JournalException e) {
                throw usageError("--journal", e.getMessage());
            }
        }
        return entries;
    }

    private ParameterException usageError(String option, String problem) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + problem);
    }
}
