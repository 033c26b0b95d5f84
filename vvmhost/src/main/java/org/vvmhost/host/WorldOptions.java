package org.vvmhost.host;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldConfigException;
import org.vvmhost.services.world.service.WorldServiceSettings;
import org.vvmhost.services.world.service.WorldViewLocation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The world simulation that {@code vvmhost run} runs while it leads. */
final class WorldOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--world-config", paramLabel = "<yaml>",
            description = "The world config (YAML; see examples/world/world.yaml). Default: the built-in world of "
                    + "10^4 entities at 20 Hz. Env: VVM_WORLD_CONFIG.")
    private Path configFile;

    @Option(names = "--world-set", paramLabel = "<field>=<value>",
            description = "Overrides one field of the world config by its dotted path, for example "
                    + "world.areas.rows=8; repeatable. Wins over --world-config. One field=value from Env: VVM_WORLD_SET.")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--world-entities", paramLabel = "<count>",
            description = "Shorthand for --world-set world.entities=<count>. Env: VVM_WORLD_ENTITIES.")
    private String entities;

    @Option(names = "--world-tick-rate", paramLabel = "<hz>",
            description = "Ticks per second, or max. Shorthand for --world-set world.tick-rate=<hz>. "
                    + "Env: VVM_WORLD_TICK_RATE.")
    private String tickRate;

    @Option(names = "--world-store", paramLabel = "file:<dir>",
            description = "Where the world views (backups) go: file:<dir> writes files there. Default: the "
                    + "election's data (etcd, or the embedded in-memory election), written only while leading. "
                    + "Env: VVM_WORLD_STORE.")
    private String store;

    /**
     * The validated world settings. A bad value is a usage error that names the option and the config field.
     */
    WorldSettings settings() {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        Map<String, String> optionOfField = new LinkedHashMap<>();
        overrides.keySet().forEach(field -> optionOfField.put(field, "--world-set"));
        if (entities != null) {
            all.put("world.entities", entities);
            optionOfField.put("world.entities", "--world-entities");
        }
        if (tickRate != null) {
            all.put("world.tick-rate", tickRate);
            optionOfField.put("world.tick-rate", "--world-tick-rate");
        }
        WorldConfig config;
        try {
            config = configFile == null ? WorldConfig.parse("", all) : WorldConfig.load(configFile, all);
        } catch (WorldConfigException e) {
            String option = optionOfField.getOrDefault(e.field(), configFile != null ? "--world-config"
                    : "--world-set");
            String message = e.getMessage().startsWith("world config") ? e.getMessage()
                    : "world config: " + e.getMessage();
            throw usageError(option, message);
        }
        // The simulators run as cluster containers: component-sets.<set>.simulators sets their parallelism.
        WorldServiceSettings service = WorldServiceSettings.of(config);
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

    /**
     * These options as given, for another process that runs in the same working directory (a drill's replicas).
     * {@code --world-store} is refused: the caller keeps the world views in the election's data.
     */
    java.util.List<String> forwarded(String why) {
        if (store != null && !store.isBlank()) {
            throw usageError("--world-store", why);
        }
        java.util.List<String> args = new java.util.ArrayList<>();
        if (configFile != null) {
            args.addAll(java.util.List.of("--world-config", configFile.toString()));
        }
        overrides.forEach((field, value) -> args.addAll(java.util.List.of("--world-set", field + "=" + value)));
        if (entities != null) {
            args.addAll(java.util.List.of("--world-entities", entities));
        }
        if (tickRate != null) {
            args.addAll(java.util.List.of("--world-tick-rate", tickRate));
        }
        return args;
    }

    private ParameterException usageError(String option, String problem) {
        return new ParameterException(mixee.commandLine(), "Invalid value for option '" + option + "': " + problem);
    }

    /** What {@code vvmhost run} simulates, and where its world views go. */
    record WorldSettings(WorldServiceSettings service, WorldViewLocation location) {
    }
}
