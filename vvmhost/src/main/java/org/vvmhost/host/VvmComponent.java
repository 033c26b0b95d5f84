package org.vvmhost.host;

import dagger.Subcomponent;
import java.util.Optional;
import org.vvmhost.services.world.service.HotStandby;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.vvm.Vvm;

/**
 * What one VVM of a run is made of: the VVM, the services it runs while it leads, and the standby's preloader and
 * warm world. The run's clock, leadership, HTTP API, metrics and replica state outlive it; {@link VvmRunner} builds one
 * of these for each VVM it launches, and closes the warm world and the preloader once that VVM has shut down.
 */
@VvmScope
@Subcomponent(modules = {VvmModule.class, ServicesModule.class})
interface VvmComponent {

    /** Asked for first: a standby starts preloading before its VVM campaigns. Empty where nothing is preloaded. */
    Optional<WorldViewPreloader> preloader();

    /** Asked for next: where a standby preloads, it keeps the world warm too. */
    Optional<HotStandby> hotStandby();

    /** The world service, the preloader and the cluster, for the HTTP API and the metrics. */
    Observed observed();

    Vvm vvm();

    @Subcomponent.Factory
    interface Factory {
        VvmComponent create();
    }
}
