package org.vvmhost.leadership.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The fencing epoch: the incarnation of the election's data, kept in {@code <election>-data/epoch}. Revisions start
 * over when etcd is wiped or restored from an older snapshot, so a create revision alone can repeat; the first leader
 * of a new incarnation bumps the epoch past what etcd holds and every epoch it or the other candidates remember (each
 * candidate's value says the highest it has seen), and tokens are ordered by epoch first. Only what live replicas
 * remember survives a wipe: if every replica restarted meanwhile, the epoch starts over.
 */
final class FencingEpoch {

    private FencingEpoch() {
    }

    /**
     * The epoch of the next term.
     *
     * @param epoch          the epoch the term uses
     * @param bump           whether the term must write it (etcd holds none, or an older one)
     * @param newIncarnation whether this is the first term of a data incarnation this replica had not seen
     * @param reason         why it bumps, for the log
     */
    record Decision(long epoch, boolean bump, boolean newIncarnation, String reason) {
    }

    /**
     * The policy. Bump when etcd holds no epoch (a fresh or wiped etcd), an epoch below one seen before (restored
     * from an older snapshot), or an epoch that a break of etcd's history made stale; otherwise keep etcd's.
     *
     * @param stored     the epoch etcd holds, if it holds a readable one
     * @param highest    the highest epoch this replica or a candidate it can see has seen (0: none)
     * @param staleUpTo  epochs up to this one belong to a history that broke since they were seen (0: none)
     */
    static Decision decide(OptionalLong stored, long highest, long staleUpTo) {
        if (stored.isEmpty()) {
            return new Decision(highest + 1, true, true,
                    "the election's data holds no fencing epoch (a fresh or wiped etcd)");
        }
        long epoch = stored.getAsLong();
        if (epoch < highest) {
            return new Decision(highest + 1, true, true, "etcd holds fencing epoch " + epoch + ", below epoch "
                    + highest + " seen before (restored from an older snapshot)");
        }
        if (epoch <= staleUpTo) {
            return new Decision(Math.max(epoch, highest) + 1, true, false, "etcd's history broke since fencing epoch "
                    + epoch + " was seen");
        }
        return new Decision(epoch, false, false, "");
    }

    /** Reads the stored value: a decimal number of at least 1, as {@link #bytes} writes it; anything else is none. */
    static OptionalLong parse(Optional<byte[]> value) {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long epoch = Long.parseLong(new String(value.get(), StandardCharsets.US_ASCII).strip());
            return epoch >= 1 ? OptionalLong.of(epoch) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static byte[] bytes(long epoch) {
        return Long.toString(epoch).getBytes(StandardCharsets.US_ASCII);
    }
}
