package org.vvmhost.host.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.command.CommandException;
import org.vvmhost.services.world.journal.JournalCodec;
import org.vvmhost.services.world.journal.JournalEntry;
import org.vvmhost.services.world.journal.JournalException;
import org.vvmhost.services.world.journal.JournalReplay;

/**
 * The client's commands against the command journal in etcd's history. A command is durable before it is
 * acknowledged, so every acknowledged one must be in the journal some leader put, at the tick and sequence number its
 * acknowledgement named, as it was sent; otherwise it is lost. A sequence number or an idempotency key in the journal
 * twice is a command applied twice. Pure: the I/O happened before (etcd's history, the client's acknowledgements).
 */
final class CommandAudit {

    private CommandAudit() {
    }

    /**
     * What the audit found.
     *
     * @param entries  the journal entries in etcd's history
     * @param journaled the commands they hold
     * @param lost     every acknowledged command not in the journal where its acknowledgement put it, one sentence each
     * @param twice    every sequence number or idempotency key journaled more than once
     * @param damaged  entries that could not be read
     * @param journal  the entries read, for the replay
     */
    record Result(long entries, long journaled, long ackedCommands, List<String> lost, List<String> twice,
            List<String> damaged, List<JournalEntry> journal) {
        Result {
            lost = List.copyOf(lost);
            twice = List.copyOf(twice);
            damaged = List.copyOf(damaged);
            journal = List.copyOf(journal);
        }
    }

    static Result audit(List<EtcdHistory.JournalPut> puts, List<CommandLoad.Ack> acks, CommandCatalog catalog) {
        JournalCodec codec = new JournalCodec(catalog);
        Map<Long, Long> tickOfSeq = new HashMap<>();
        Map<Long, WorldCommand> commandOfSeq = new HashMap<>();
        Set<String> keys = new HashSet<>();
        List<String> twice = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        long journaled = 0;
        List<JournalEntry> journal = new ArrayList<>();
        for (EtcdHistory.JournalPut put : puts) {
            JournalEntry entry;
            try {
                entry = codec.decode(put.value(), "journal entry " + put.key() + " (revision " + put.revision() + ")");
            } catch (JournalException | CommandException e) {
                damaged.add(e.getMessage());
                continue;
            }
            journal.add(entry);
            for (JournalEntry.Batch batch : entry.batches()) {
                if (batch.key() != null && !keys.add(batch.key())) {
                    twice.add("idempotency key " + batch.key() + " journaled again at revision " + put.revision());
                }
            }
            for (SequencedCommand command : entry.commands()) {
                journaled++;
                if (tickOfSeq.putIfAbsent(command.seq(), entry.tick()) != null) {
                    twice.add("sequence number " + command.seq() + " journaled again at revision " + put.revision());
                } else {
                    commandOfSeq.put(command.seq(), command.command());
                }
            }
        }
        List<String> lost = new ArrayList<>();
        long acked = 0;
        for (CommandLoad.Ack ack : acks) {
            for (int i = 0; i < ack.commands().size(); i++) {
                acked++;
                long seq = ack.seq() + i;
                WorldCommand sent = catalog.parse(ack.commands().get(i), "sent", entity -> true);
                Long tick = tickOfSeq.get(seq);
                if (tick == null) {
                    lost.add(ack.key() + ": sequence number " + seq + " (tick " + ack.tick() + ") is in no journal "
                            + "entry");
                } else if (tick != ack.tick() || !sent.equals(commandOfSeq.get(seq))) {
                    lost.add(ack.key() + ": sequence number " + seq + " was acknowledged for tick " + ack.tick()
                            + ", but the journal holds " + commandOfSeq.get(seq) + " at tick " + tick);
                }
            }
        }
        return new Result(puts.size(), journaled, acked, lost, twice, damaged, journal);
    }

    /**
     * The reference under client load: the world of {@code config} run from tick 0 with the journal's commands, on one
     * thread, and its hash at each of {@code ticks} (as the replicas log it, 16 hex digits). The world at a tick is a
     * function of the config, the journal and the tick, so every leader that reached one must have had that hash.
     *
     * @throws JournalException if the journal holds a sequence number twice
     */
    static Map<Long, String> replayedHashes(WorldConfig config, List<JournalEntry> journal, Set<Long> ticks) {
        Map<Long, String> hashes = new HashMap<>();
        long last = ticks.stream().mapToLong(Long::longValue).max().orElse(0);
        CommandSource commands = JournalReplay.source(journal);
        try (World world = WorldFactory.of(ComponentSetRegistry.builtIn(), WorldRuntime.threads(1)).create(config)) {
            while (true) {
                if (ticks.contains(world.tick())) {
                    hashes.put(world.tick(), String.format("%016x", world.hash()));
                }
                if (world.tick() >= last) {
                    return hashes;
                }
                world.step(commands);
            }
        }
    }

    /**
     * The longest time within {@code [from, to]} in which no request was acknowledged, by the times the
     * acknowledgements came ({@code acked}, in order): what a client saw of a round. Empty if {@code to} is not after
     * {@code from}.
     */
    static OptionalDouble longestSilence(List<Instant> acked, Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return OptionalDouble.empty();
        }
        Instant previous = from;
        long longest = 0;
        for (Instant at : acked) {
            if (at.isBefore(from)) {
                continue;
            }
            if (at.isAfter(to)) {
                break;
            }
            longest = Math.max(longest, Duration.between(previous, at).toNanos());
            previous = at;
        }
        longest = Math.max(longest, Duration.between(previous, to).toNanos());
        return OptionalDouble.of(longest / 1e6);
    }
}
