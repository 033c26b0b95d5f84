package org.vvmhost.host;

import java.util.Optional;
import org.vvmhost.services.world.service.WorldServiceSettings;
import org.vvmhost.services.world.service.WorldViewLocation;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The world simulation that {@code vvmhost run} runs while it leads, and where its world views go. */
final class WorldOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Mixin
    private WorldConfigOptions world;

    @Option(names = "--world-store", paramLabel = "file:<dir>",
            description = "Where the world views (backups) go: file:<dir> writes files there. Default: the "
                    + "election's data (etcd, or the embedded in-memory election), written only while leading. "
                    + "Env: VVM_WORLD_STORE.")
    private String store;

    /**
     * The validated world settings. A bad value is a usage error that names the option and the config field.
     */
    WorldSettings settings() {
        // The simulators run as cluster containers: component-sets.<set>.simulators sets their parallelism.
        WorldServiceSettings service = WorldServiceSettings.of(world.config());
        return new WorldSettings(service, location(service));
    }

    private WorldViewLocation location(WorldServiceSettings service) {
        return location(Optional.ofNullable(store), service.storeTimeout(), this::usageError);
    }

    /** {@code --world-store}, or the election's data. */
    static WorldViewLocation location(Optional<String> store, java.time.Duration timeout,
                                      java.util.function.BiFunction<String, String, ParameterException> usageError) {
        if (store.isEmpty() || store.get().isBlank()) {
            return WorldViewLocation.inElection(timeout);
        }
        try {
            return WorldViewLocation.parse(store.get().trim());
        } catch (IllegalArgumentException e) {
            throw usageError.apply("--world-store", e.getMessage().replaceFirst("^--world-store: ", ""));
        }
    }

    private ParameterException usageError(String option, String problem) {
        return new ParameterException(mixee.commandLine(), "Invalid value for option '" + option + "': " + problem);
    }

    /** What {@code vvmhost run} simulates, and where its world views go. */
    record WorldSettings(WorldServiceSettings service, WorldViewLocation location) {
    }
}
