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

    @Option(names = "--simulators", paramLabel = "local|etcd", defaultValue = "local",
            description = "Where the leader's simulators run: local, containers of its in-process cluster; etcd, on "
                    + "the simulator processes (vvmhost simulator) registered for the election under "
                    + "<election>-data/simulators/, a crashed one's areas promoted to passives on the others. etcd "
                    + "needs --etcd-endpoints. Default: ${DEFAULT-VALUE}. Env: VVM_SIMULATORS.")
    private Simulators simulators;

    /**
     * The validated world settings. A bad value is a usage error that names the option and the config field.
     */
    WorldSettings settings() {
        // The simulators run as cluster containers: component-sets.<set>.simulators sets their parallelism.
        WorldServiceSettings service = WorldServiceSettings.of(world.config());
        return new WorldSettings(service, location(service), simulators);
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

    /** Where the leader's simulators run. */
    enum Simulators {
        /** Containers of the leader's in-process cluster. */
        LOCAL,
        /** The simulator processes registered in the election's data on etcd. */
        ETCD
    }

    /** What {@code vvmhost run} simulates, where its world views go, and where its simulators run. */
    record WorldSettings(WorldServiceSettings service, WorldViewLocation location, Simulators simulators) {
    }
}
