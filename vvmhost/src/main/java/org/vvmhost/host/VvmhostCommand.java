package org.vvmhost.host;

import java.util.concurrent.Callable;
import javax.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top command. Each subcommand is a class listed in {@code subcommands} and bound in {@link HostModule}, so
 * Dagger builds it with its dependencies.
 */
@Command(name = "vvmhost", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        subcommands = {RunCommand.class, StatusCommand.class, SwitchoverCommand.class, ProbeCommand.class,
            ClusterCommand.class, DrillCommand.class, ReplayCommand.class, SimulatorCommand.class},
        description = "A VVM host: replicas campaign for a leadership lease, and the leader runs the services.")
final class VvmhostCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Inject
    VvmhostCommand() {
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: say what to do, for example 'run'");
    }
}
