package org.vvmhost.services.world.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.command.CommandCatalog;

class JournalCodecTest {

    private static final JournalCodec CODEC = new JournalCodec(CommandCatalog.of(WorldConfig.defaults(),
            ComponentSetRegistry.builtIn()));

    static JournalEntry entry() {
        return new JournalEntry(12, List.of(
                new JournalEntry.Batch(40, "order-7", List.of(
                        new WorldCommand.Spawn(10.5, 20, Map.of("vitality", Map.of("health", 50.0))),
                        new WorldCommand.OnEntity("damage", 3, Map.of("amount", 7.0)))),
                new JournalEntry.Batch(42, null, List.of(new WorldCommand.Despawn(9)))));
    }

    @Test
    void anEntryReadsBackAsItWasWritten() {
        byte[] bytes = CODEC.encode(entry());

        JournalEntry read = CODEC.decode(bytes, "journal entry x");

        assertThat(read).isEqualTo(entry());
        assertThat(read.firstSeq()).isEqualTo(40);
        assertThat(read.lastSeq()).isEqualTo(42);
        assertThat(read.size()).isEqualTo(3);
        assertThat(read.commands()).extracting(c -> c.seq()).containsExactly(40L, 41L, 42L);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"v\":1,\"tick\":12,\"batches\":[{\"seq\":40,"
                + "\"key\":\"order-7\",\"commands\":[{\"kind\":\"spawn\",\"x\":10.5,\"y\":20.0,\"components\":");
    }

    @Test
    void theSizeOfAnEntryIsBoundedByWhatItsBatchesDeclare() {
        List<JournalCodec.EncodedBatch> batches = List.of(
                CODEC.encode(entry().batches().get(0).commands(), "order-7"),
                CODEC.encode(entry().batches().get(1).commands(), null));

        byte[] bytes = CODEC.encode(12, batches, new long[] {40, 42});

        assertThat(bytes.length).isLessThanOrEqualTo(JournalCodec.entryBytes(batches));
        assertThat(CODEC.decode(bytes, "x")).isEqualTo(entry());
    }

    @Test
    void aDamagedEntryIsNamedWithWhatIsWrong() {
        assertThatThrownBy(() -> CODEC.decode("{nope".getBytes(StandardCharsets.UTF_8), "journal entry a"))
                .isInstanceOf(JournalException.class).hasMessageStartingWith("journal entry a is not valid JSON");
        assertThatThrownBy(() -> CODEC.decode("{\"v\":2,\"tick\":1,\"batches\":[]}".getBytes(StandardCharsets.UTF_8),
                "journal entry b")).hasMessage("journal entry b has format version 2; this build reads version 1");
        assertThatThrownBy(() -> CODEC.decode("{\"v\":1,\"batches\":[]}".getBytes(StandardCharsets.UTF_8),
                "journal entry c")).hasMessage("journal entry c lacks a tick ≥ 1 or its batches");
        assertThatThrownBy(() -> CODEC.decode(("{\"v\":1,\"tick\":3,\"batches\":[{\"seq\":1,\"commands\":[{\"kind\":"
                + "\"heal\",\"entity\":1,\"amount\":-1}]}]}").getBytes(StandardCharsets.UTF_8), "journal entry d"))
                .hasMessage("journal entry d: batches[0].commands[0].amount: must be within [0, 1000000], got -1");
    }
}
