package org.vvmhost.host;

import dagger.BindsInstance;
import dagger.Subcomponent;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.time.SystemClock;

/**
 * What one {@code vvmhost run} wires from its validated settings. The run closes the clock and the leadership it
 * gets here, after the VVM has shut down.
 */
@RunScope
@Subcomponent(modules = {RunModule.class, ServicesModule.class})
interface RunComponent {

    SystemClock clock();

    Leadership leadership();

    VvmRunner runner();

    @Subcomponent.Factory
    interface Factory {
        RunComponent create(@BindsInstance RunSettings settings);
    }
}
