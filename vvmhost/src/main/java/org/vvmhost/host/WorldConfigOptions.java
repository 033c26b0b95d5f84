package org.vvmhost.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which world: the config file and the overrides, shared by {@code vvmhost run}, {@code vvmhost replay} and
 * {@code vvmhost drill}.
 */
final class WorldConfigOptions {

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

    /** The validated config. A bad value is a usage error that names the option and the config field. */
    WorldConfig config() {
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
        try {
            return configFile == null ? WorldConfig.parse("", all) : WorldConfig.load(configFile, all);
        } catch (WorldConfigException e) {
            String option = optionOfField.getOrDefault(e.field(), configFile != null ? "--world-config"
                    : "--world-set");
            String message = e.getMessage().startsWith("world config") ? e.getMessage()
                    : "world config: " + e.getMessage();
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '" + option + "': "
                    + message);
        }
    }

    /** These options as given, for another process that runs in the same working directory (a drill's replicas). */
    List<String> arguments() {
        List<String> args = new ArrayList<>();
        if (configFile != null) {
            args.addAll(List.of("--world-config", configFile.toString()));
        }
        overrides.forEach((field, value) -> args.addAll(List.of("--world-set", field + "=" + value)));
        if (entities != null) {
            args.addAll(List.of("--world-entities", entities));
        }
        if (tickRate != null) {
            args.addAll(List.of("--world-tick-rate", tickRate));
        }
        return args;
    }
}
