package org.vvmhost.services.world.authority;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;

/**
 * The grants a leader's world writes while its simulators run on simulator processes: each time the workload
 * distributor gives (component set, area) a new active, the simulator process that hosts it is granted the area
 * through the term's fenced write ({@link SimulatorAuthority#grant(Term, String, int, String)}), off the tick's path
 * and in order per area; a grant that a newer one for its area has overtaken is not written. The epoch in etcd is
 * etcd's own, one above the last issued for that (set, area); the epochs the coordinator's messages carry are the
 * world's and guard the simulators' messages to each other. States: open → closed ({@link #close}, idempotent).
 */
public interface AreaGrants extends AutoCloseable {

    /** How long a grant that failed for a passing reason waits before it is tried again. */
    Duration DEFAULT_RETRY = Duration.ofSeconds(1);

    /** Opens the grants of one world, which closes them with it. */
    @FunctionalInterface
    interface Opener {
        AreaGrants open(Clock clock);
    }

    /**
     * Grants through {@code term}. A grant the fence refuses means the term no longer leads: {@code deposed} hears it
     * once, and nothing more is written. A grant that no registration can take (the process is gone: it exits when
     * its registration goes) is logged and given up, for its sessions break and their passives are promoted, with
     * grants of their own. Any other failure (etcd not answering in {@code timeout}, a registration or epoch that
     * changed meanwhile, two registrations at one address) is tried again {@code retry} later while the grant is
     * still the newest of its area.
     */
    static Opener through(SimulatorAuthority authority, Term term, Duration timeout, Duration retry,
                          Consumer<RuntimeException> deposed) {
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(term, "term");
        Objects.requireNonNull(deposed, "deposed");
        return clock -> new TermGrants(authority, term, clock, timeout, retry, deposed);
    }

    /**
     * The active of ({@code set}, {@code area}) now runs on the simulator server at {@code server} ({@code host:port}):
     * grants the area to the simulator process registered there. Returns at once.
     */
    void activeOn(String set, int area, String server);

    /**
     * Writes nothing more, and waits for the grants already sent to etcd, at most the timeout: after it returns,
     * nothing these grants started is still writing, or the log names the grants left.
     */
    @Override
    void close();
}
