package org.vvmhost.host;

import java.lang.reflect.Field;
import java.util.Locale;
import javax.inject.Inject;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Takes an option's default from a {@code VVM_}-prefixed environment variable: {@code --lease-ttl} reads
 * {@code VVM_LEASE_TTL}. When the variable is unset, the option's own default applies. The options of
 * {@code cluster run}, and {@code drill}'s own, read none.
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
        // cluster run's options, and drill's own, have generic names (--file, --seed, --timeout) and document no
        // variable; the options drill shares with run and status (etcd, election, world) read theirs.
        if (option.command() != null && option.command().userObject() instanceof ClusterCommand.Run
                || option.userObject() instanceof Field field && field.getDeclaringClass() == DrillCommand.class) {
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
