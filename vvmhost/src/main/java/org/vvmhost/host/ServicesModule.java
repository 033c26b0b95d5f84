package org.vvmhost.host;

import dagger.Module;
import dagger.Provides;
import java.util.List;
import java.util.Optional;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.time.Clock;
import org.vvmhost.vvm.Service;

/**
 * The service pipeline the leader runs. The list's order is the start order (stop is the reverse): add a service
 * by taking it as a parameter of {@link #services} and putting it in its place.
 */
@Module
final class ServicesModule {

    private ServicesModule() {
    }

    /**
     * The pipeline is cluster → world simulation → world view. The world simulation service writes the world views
     * itself; the in-process cluster service, when it runs the simulators, goes before it in this list.
     */
    @Provides
    static List<Service> services(WorldSimulationService world) {
        return List.of(world);
    }

    @Provides
    @RunScope
    static WorldSimulationService world(RunSettings settings, Optional<WorldViewPreloader> preloader, Clock clock) {
        WorldViewLocation location = settings.world().location();
        return WorldSimulationService.create(settings.world().service(), ComponentSetRegistry.builtIn(),
                location::open, preloader, clock);
    }

    /**
     * On etcd a replica may wait as a standby: it preloads the newest world view from the election's data. The
     * embedded default leads at once, and a file store has no manifest to watch, so neither preloads.
     */
    @Provides
    @RunScope
    static Optional<WorldViewPreloader> preloader(RunSettings settings, Leadership leadership) {
        if (!settings.embedded() && settings.world().location() instanceof WorldViewLocation.InElection election) {
            return Optional.of(WorldViewPreloader.start(leadership.data(), election));
        }
        return Optional.empty();
    }
}
