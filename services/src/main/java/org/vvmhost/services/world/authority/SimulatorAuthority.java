package org.vvmhost.services.world.authority;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;
import org.vvmhost.services.world.core.AuthorityGrant;

/**
 * Authority per area on the election's data, the leader's side: the directory of registered simulator processes
 * ({@code simulators/<id>}, each on the simulator's own lease) and the grants ({@code authority/<set>/<area>}, a JSON
 * {@link AuthorityGrant}). A grant is written through the term's fenced write, bound to the simulator's registration
 * (so it goes when the simulator's lease does), and with an epoch above every epoch that (set, area) had: the last one
 * issued is kept in {@code authority-epochs/<set>/<area>}, which outlives the grants, and the write expects it
 * unchanged since it was read.
 */
public interface SimulatorAuthority {

    /** The directory of simulator processes, relative to the election's data. */
    String SIMULATORS = "simulators/";
    /** The grants: {@code etcdctl get --prefix <election>-data/authority/} shows who simulates what. */
    String GRANTS = "authority/";
    /** The last epoch issued per (set, area). */
    String EPOCHS = "authority-epochs/";

    static SimulatorAuthority on(DataStore data) {
        return new ElectionAuthority(data);
    }

    /** The simulator processes registered now, by id. A value that is not a registration is skipped and logged. */
    CompletableFuture<List<SimulatorRegistration>> simulators();

    /** Who holds ({@code set}, {@code area}) now, if anyone. */
    CompletableFuture<Optional<AuthorityGrant>> holder(String set, int area);

    /**
     * Grants ({@code set}, {@code area}) to {@code simulator} with the next epoch.
     *
     * @return the grant written; completes exceptionally with {@link AuthorityException} if the simulator is not
     *         registered or cannot simulate {@code set}, with {@code FencedWriteRejectedException} if the term no
     *         longer leads, and with {@code WriteConditionFailedException} if the epoch or the registration changed
     *         while the grant was written (nothing was written in each case)
     */
    CompletableFuture<AuthorityGrant> grant(Term term, String set, int area, String simulator);

    /**
     * Writes {@code grant} with its own epoch, which must be above the last one issued for its (set, area): a stale
     * epoch completes exceptionally with {@link AuthorityException}, and nothing is written. Otherwise as
     * {@link #grant(Term, String, int, String)}.
     */
    CompletableFuture<AuthorityGrant> grant(Term term, AuthorityGrant grant);
}
