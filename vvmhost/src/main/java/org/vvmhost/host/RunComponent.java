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

    Leadership leadership();

    VvmRunner runner();

    /** The standby's world view preloader, if this run has one; the run closes it at exit. */
    Optional<WorldViewPreloader> preloader();

    @Subcomponent.Factory
    interface Factory {
        RunComponent create(@BindsInstance RunSettings settings);
    }
}
