package org.vvmhost.services.world.journal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;

/**
 * The command journal in the election's data: one key per entry, {@code journal/<tick>/<first seq>} (both
 * zero-padded to 16 digits, so key order is tick order, then sequence order), each written by one fenced transaction
 * of the leader's term. A new leader reads the entries after the tick of the world view it restored; entries up to
 * the older of the two views kept are trimmed with one fenced range delete.
 */
public interface CommandJournal {

    /** Where the entries live in the election's data. */
    String PREFIX = "journal/";

    /** The largest entry a leader writes: below etcd's default request limit of 1.5 MiB and its 4 MiB replies. */
    int MAX_ENTRY_BYTES = 1 << 20;

    /** The codec of this journal's entries: what {@link #append} takes is encoded with it, and reads decode with it. */
    JournalCodec codec();

    /**
     * Appends one encoded entry through the term's fenced write. Completes when it is durable; fails with a
     * {@link org.vvmhost.leadership.FencedWriteRejectedException} (nothing written) when the term no longer leads,
     * and with anything else when the outcome is unknown.
     */
    CompletableFuture<Void> append(long tick, long firstSeq, byte[] entry);

    /**
     * Every entry whose tick is above {@code afterTick}, in tick then sequence order, each read and checked.
     *
     * @throws JournalException if an entry cannot be read or is damaged, or the store does not answer in time
     */
    List<JournalEntry> readAfter(long afterTick);

    /**
     * {@link #readAfter}, asked now and answered later: with the entries, or failed with the {@link JournalException}
     * that {@code readAfter} would throw. This one answers before it returns; a journal in a store overrides it.
     */
    default CompletableFuture<List<JournalEntry>> readAfterAsync(long afterTick) {
        try {
            return CompletableFuture.completedFuture(readAfter(afterTick));
        } catch (JournalException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Deletes every entry of a tick up to {@code tick}, fenced; waits for it. */
    void trimThrough(long tick);

    /** The journal under {@link #PREFIX} in {@code data}, written by {@code term}; reads and trims time out. */
    static CommandJournal inElection(DataStore data, Term term, JournalCodec codec, Duration timeout, Clock clock) {
        return new ElectionCommandJournal(Objects.requireNonNull(data, "data"), Objects.requireNonNull(term, "term"),
                codec, timeout, clock);
    }

    /** The key of the entry of {@code tick} whose first command is {@code firstSeq}. */
    static String key(long tick, long firstSeq) {
        // Not String.format: this is on the journal thread's path of every write.
        StringBuilder key = new StringBuilder(PREFIX.length() + 33).append(PREFIX);
        padded(key, tick).append('/');
        return padded(key, firstSeq).toString();
    }

    /** {@code value} (≥ 0) in 16 digits, zero-padded, so that keys sort as numbers. */
    private static StringBuilder padded(StringBuilder to, long value) {
        String digits = Long.toString(value);
        return to.append("0".repeat(Math.max(0, 16 - digits.length()))).append(digits);
    }
}
