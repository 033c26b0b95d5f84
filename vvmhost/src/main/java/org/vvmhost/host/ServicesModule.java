package org.vvmhost.host;

import dagger.Module;
import dagger.Provides;
import java.util.List;
import org.vvmhost.vvm.Service;

/**
 * The service pipeline the leader runs. The list's order is the start order (stop is the reverse): add a service
 * by taking it as a parameter of {@link #services} and putting it in its place.
 */
@Module
final class ServicesModule {

    private ServicesModule() {
    }

    @Provides
    static List<Service> services() {
        return List.of();
    }
}
