package org.vvmhost.leadership.etcd;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.vvmhost.leadership.FencingToken;

/**
 * Who leads an election and who waits, as read from etcd by {@link EtcdLeaderships#status}.
 *
 * @param election the election's key prefix
 * @param leader   the candidate with the lowest create revision, if any
 * @param waiting  the other candidates, next in line first
 */
public record ElectionStatus(String election, Optional<Entry> leader, List<Entry> waiting) {

    public ElectionStatus {
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(leader, "leader");
        waiting = List.copyOf(waiting);
    }

    /**
     * One candidate key.
     *
     * @param key            the election key, {@code <election>/<leaseIdHex>}
     * @param id             the candidate's id, or the raw value if another tool wrote the key
     * @param host           where the candidate runs; empty if unknown
     * @param pid            its process id; 0 if unknown
     * @param startedAt      when its process started, if known
     * @param leaderSince    when it confirmed its win, for the leader
     * @param createRevision the key's create revision
     * @param epoch          the fencing epoch it leads in, once it confirmed its win
     * @param advertiseUrl   the base URL of the candidate's HTTP API; empty if it advertises none
     */
    public record Entry(String key, String id, String host, long pid, Optional<Instant> startedAt,
            Optional<Instant> leaderSince, long createRevision, OptionalLong epoch, String advertiseUrl) {

        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(leaderSince, "leaderSince");
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(advertiseUrl, "advertiseUrl");
        }

        /** An entry with no advertised URL. */
        public Entry(String key, String id, String host, long pid, Optional<Instant> startedAt,
                     Optional<Instant> leaderSince, long createRevision, OptionalLong epoch) {
            this(key, id, host, pid, startedAt, leaderSince, createRevision, epoch, "");
        }

        /** The term's fencing token, once the candidate confirmed its win; empty for one still waiting or claiming. */
        public Optional<FencingToken> fencingToken() {
            return epoch.isPresent() ? Optional.of(new FencingToken(epoch.getAsLong(), createRevision))
                    : Optional.empty();
        }
    }
}
