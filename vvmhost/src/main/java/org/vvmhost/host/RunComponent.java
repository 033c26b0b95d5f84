package org.vvmhost.host;

import dagger.BindsInstance;
import dagger.Subcomponent;
import java.util.Optional;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.time.SystemClock;

/**
 * What one {@code vvmhost run} wires from its validated settings. The run closes the clock, the leadership and the
 * preloader it gets here, after the VVM has shut down.
 */
@RunScope
@Subcomponent(modules = {RunModule.class, ServicesModule.class})
interface RunComponent {

    SystemClock clock();

    HostMetrics metrics();

    /** Started first and closed last: it answers while the replica starts, campaigns, leads and stops. */
    HttpApi httpApi();

    ReplicaStatus status();

    /** The world service, the preloader and the cluster, for the HTTP API once the run has built them. */
    Observed observed();

    Leadership leadership();

    VvmRunner runner();

    /** The standby's world view preloader, if this run has one; the run closes it at exit. */
    Optional<WorldViewPreloader> preloader();

    @Subcomponent.Factory
    interface Factory {
        RunComponent create(@BindsInstance RunSettings settings);
    }
}
