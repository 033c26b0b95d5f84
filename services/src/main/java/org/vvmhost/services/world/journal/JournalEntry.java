package org.vvmhost.services.world.journal;

import java.util.ArrayList;
import java.util.List;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.WorldCommand;

/**
 * What one fenced write of the command journal holds: batches of commands, all for one tick, each batch one client
 * request. Command {@code i} of a batch has sequence number {@code batch.seq() + i}.
 */
public record JournalEntry(long tick, List<Batch> batches) {

    public JournalEntry {
        batches = List.copyOf(batches);
        if (tick < 1) {
            throw new IllegalArgumentException("a journal entry names a tick ≥ 1, got " + tick);
        }
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("a journal entry holds at least one batch");
        }
    }

    /**
     * One client request's commands.
     *
     * @param key the request's idempotency key; null if it had none
     */
    public record Batch(long seq, String key, List<WorldCommand> commands) {
        public Batch {
            commands = List.copyOf(commands);
            if (seq < 0 || commands.isEmpty()) {
                throw new IllegalArgumentException("a batch has a sequence number ≥ 0 and commands, got " + seq
                        + " and " + commands.size());
            }
        }

        public long lastSeq() {
            return seq + commands.size() - 1;
        }

        /** Its commands with their sequence numbers. */
        public List<SequencedCommand> sequenced() {
            List<SequencedCommand> sequenced = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                sequenced.add(new SequencedCommand(seq + i, commands.get(i)));
            }
            return sequenced;
        }
    }

    public long firstSeq() {
        return batches.get(0).seq();
    }

    public long lastSeq() {
        return batches.get(batches.size() - 1).lastSeq();
    }

    /** Every command, with its sequence number. */
    public List<SequencedCommand> commands() {
        List<SequencedCommand> all = new ArrayList<>();
        batches.forEach(batch -> all.addAll(batch.sequenced()));
        return all;
    }

    /** How many commands it holds. */
    public int size() {
        return batches.stream().mapToInt(batch -> batch.commands().size()).sum();
    }
}
