package org.vvmhost.host;

import dagger.Module;
import dagger.Provides;
import java.util.List;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.time.Clock;
import org.vvmhost.vvm.Service;
import org.vvmhost.vvm.Terminator;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.Vvms;

/** A VVM over the run's leadership, with this VVM's services. */
@Module
final class VvmModule {

    private VvmModule() {
    }

    @Provides
    @VvmScope
    static Vvm vvm(RunSettings settings, Leadership leadership, List<Service> services, Clock clock,
                   Terminator terminator, ReplicaStatus status) {
        // The VVM logs its lifecycle itself; the listener keeps the replica's state for the HTTP API.
        return Vvms.provide(settings.vvm(), leadership, services, clock, terminator, status);
    }
}
