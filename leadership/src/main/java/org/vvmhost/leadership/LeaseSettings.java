package org.vvmhost.leadership;

import java.time.Duration;
import java.util.Objects;
import org.vvmhost.time.Durations;

/**
 * The lease of a candidacy. The TTL is what the server grants; the renew deadline is the local bound: if no
 * keepalive succeeded within it, leadership counts as lost even if the server has not expired the lease yet.
 */
public record LeaseSettings(Duration ttl, Duration renewDeadline) {

    /** etcd refuses shorter leases. */
    public static final Duration MINIMUM_TTL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    public LeaseSettings {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(renewDeadline, "renewDeadline");
        if (ttl.compareTo(MINIMUM_TTL) < 0) {
            throw new IllegalArgumentException(
                    "the lease TTL must be at least 2s, etcd's minimum; got " + Durations.text(ttl));
        }
        if (ttl.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException(
                    "the lease TTL must be a whole number of seconds, as etcd grants it; got " + Durations.text(ttl));
        }
        if (renewDeadline.isNegative() || renewDeadline.isZero() || renewDeadline.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("the renew deadline must be above 0 and below the lease TTL ("
                    + Durations.text(ttl) + "); got " + Durations.text(renewDeadline));
        }
    }

    /** A lease with the default renew deadline, 2/3 of the TTL. */
    public static LeaseSettings ofTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        return new LeaseSettings(ttl, ttl.multipliedBy(2).dividedBy(3));
    }

    public static LeaseSettings defaults() {
        return ofTtl(DEFAULT_TTL);
    }
}
