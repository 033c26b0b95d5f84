package org.vvmhost.services.world.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.CommandScripts;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;

/** The reference run: a config, a journal and a tick give the world hash, however the journal was cut into entries. */
class JournalReplayTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final WorldConfig CONFIG = WorldConfig.defaults().withEntities(1500).withSeed(9);
    private static final CommandSource SCRIPT = CommandScripts.busy(1500);

    /** The script's commands as journal entries: each tick's commands in two entries of one batch each. */
    private static List<JournalEntry> journal(long through) {
        List<JournalEntry> entries = new ArrayList<>();
        for (long tick = 1; tick <= through; tick++) {
            List<SequencedCommand> commands = new ArrayList<>(SCRIPT.commandsOf(tick));
            commands.sort((a, b) -> Long.compare(a.seq(), b.seq()));
            int half = commands.size() / 2;
            entries.add(entry(tick, commands.subList(0, half)));
            entries.add(entry(tick, commands.subList(half, commands.size())));
        }
        return entries;
    }

    /** Consecutive commands as one batch. */
    private static JournalEntry entry(long tick, List<SequencedCommand> commands) {
        List<WorldCommand> batch = commands.stream().map(SequencedCommand::command).toList();
        return new JournalEntry(tick, List.of(new JournalEntry.Batch(commands.get(0).seq(), null, batch)));
    }

    @Test
    void theReplayOfAJournalEqualsARunFedTheSameCommands() {
        JournalReplay.Replayed replayed = JournalReplay.replay(CONFIG, SETS, journal(40), 40);

        try (World world = TestWorlds.create(CONFIG, SETS, 2)) {
            CommandScripts.advanceTo(world, 40, SCRIPT);
            assertThat(replayed.tick()).isEqualTo(40);
            assertThat(replayed.hash()).isEqualTo(world.hash());
            assertThat(replayed.population()).isEqualTo(world.population());
            assertThat(replayed.lastCommandSeq()).isEqualTo(world.lastCommandSeq());
            assertThat(replayed.commands()).isEqualTo(world.status().commands());
        }
    }

    @Test
    void aViewPlusTheJournalAfterItEqualsAStraightReplay() {
        List<JournalEntry> journal = journal(60);
        WorldView view;
        try (World world = TestWorlds.create(CONFIG, SETS, 1)) {
            CommandScripts.advanceTo(world, 23, JournalReplay.source(journal));
            view = world.snapshot();
        }
        List<JournalEntry> after = journal.stream().filter(entry -> entry.tick() > view.tick()).toList();

        try (World restored = TestWorlds.restore(CONFIG, SETS, 2, view)) {
            CommandScripts.advanceTo(restored, 60, JournalReplay.source(after));
            assertThat(restored.hash()).isEqualTo(JournalReplay.replay(CONFIG, SETS, journal, 60).hash());
        }
    }

    @Test
    void aJournalThatHoldsACommandTwiceIsRefused() {
        List<JournalEntry> journal = new ArrayList<>(journal(3));
        journal.add(journal.get(1));

        assertThatThrownBy(() -> JournalReplay.replay(CONFIG, SETS, journal, 3))
                .isInstanceOf(JournalException.class)
                .hasMessageEndingWith("is in the journal twice");
    }
}
