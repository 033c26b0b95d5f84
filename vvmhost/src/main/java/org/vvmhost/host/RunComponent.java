package org.vvmhost.host;

import dagger.BindsInstance;
import dagger.Subcomponent;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.time.SystemClock;

/**
 * What one {@code vvmhost run} wires from its validated settings: what lasts as long as the process, while the runner
 * launches one VVM after another from {@link VvmComponent}s. The run closes the clock and the leadership it gets
 * here, after the last VVM has shut down.
 */
@RunScope
@Subcomponent(modules = RunModule.class)
interface RunComponent {

    SystemClock clock();

    HostMetrics metrics();

    /** Started first and closed last: it answers while the replica starts, campaigns, leads and stops. */
    HttpApi httpApi();

    ReplicaStatus status();

    Leadership leadership();

    VvmRunner runner();

    @Subcomponent.Factory
    interface Factory {
        RunComponent create(@BindsInstance RunSettings settings);
    }
}
