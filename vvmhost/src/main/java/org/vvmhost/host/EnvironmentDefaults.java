package org.vvmhost.host;

import java.util.Locale;
import javax.inject.Inject;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Takes an option's default from a {@code VVM_}-prefixed environment variable: {@code --lease-ttl} reads
 * {@code VVM_LEASE_TTL}. When the variable is unset, the option's own default applies. The options of
 * {@code cluster run} and {@code drill} read none.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "VVM_";

    private final Environment environment;

    @Inject
    EnvironmentDefaults(Environment environment) {
        this.environment = environment;
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec)) {
            return null;
        }
        OptionSpec option = (OptionSpec) argument;
        if (option.usageHelp() || option.versionHelp()) {
            return null;
        }
        // cluster run's and drill's options have generic names (--file, --seed, --timeout) and document no variable;
        // a drill's settings come from its command line only, not from the environment its replicas would read.
        if (option.command() != null && (option.command().userObject() instanceof ClusterCommand.Run
                || option.command().userObject() instanceof DrillCommand)) {
            return null;
        }
        return environment.get(variableName(option)).orElse(null);
    }

    /** {@code --lease-ttl} → {@code VVM_LEASE_TTL}. */
    static String variableName(OptionSpec option) {
        String name = option.longestName().replaceFirst("^-+", "");
        return PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
