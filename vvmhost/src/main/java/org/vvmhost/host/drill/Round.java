package org.vvmhost.host.drill;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.vvmhost.leadership.FencingToken;

/**
 * One round of a drill: the fault, who led before and after, and what it cost.
 *
 * <p>Times: {@code failoverMillis} from the fault to the successor's {@code leadership acquired},
 * {@code servicesMillis} to its {@code services started} (the world restored), and {@code gapMillis} from the moment
 * the old leader stopped acting (its services stopped, or the signal that froze or killed it) to the successor's
 * {@code leadership acquired}, by the replicas' own log timestamps: below 0, two leaders acted at once. Empty when the
 * leader kept its term.
 *
 * <p>Ticks: {@code oldTick} is the last tick the old leader completed (estimated from its last progress line and the
 * tick rate after a crash or a freeze, {@code oldTickEstimated}; {@code oldTickLogged} is the highest it logged),
 * {@code restoredTick} the tick its successor restored, {@code lost} their difference, {@code bound} the most its kind
 * may lose, {@code lastSaved} the newest view the old leader had saved before the fault.
 *
 * @param detail      what exactly was done, for example which etcd member was killed
 * @param refused     lines of the old leader's log where a write was refused by the fence
 * @param actedAfter  how long a leader frozen and resumed after its successor took over went on before its
 *                    services stopped (it may tick, but must write nothing: etcd's history shows whether it did)
 * @param unavailable under client load, the longest time without an acknowledgement, from the fault until the client
 *                    was served again after it
 */
record Round(int number, FaultKind kind, String detail, String oldReplica, FencingToken oldToken,
        Optional<String> newReplica, Optional<FencingToken> newToken, Instant faultAt, Instant faultEndedAt,
        OptionalDouble failoverMillis, OptionalDouble servicesMillis, OptionalDouble gapMillis,
        long oldTick, boolean oldTickEstimated, long oldTickLogged, long restoredTick, boolean preloaded, long lost,
        long bound, long lastSaved, long refused, long refusedByEtcd, Optional<Integer> oldExitCode,
        OptionalDouble actedAfter, int commonTicks, OptionalDouble unavailable, List<String> problems) {

    Round {
        Objects.requireNonNull(kind, "kind");
        problems = List.copyOf(problems);
    }

    /** Whether a successor took over; otherwise the leader kept its term through the fault. */
    boolean leaderChanged() {
        return newReplica.isPresent();
    }
}
