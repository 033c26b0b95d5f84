package org.vvmhost.host;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ClassKey;
import dagger.multibindings.IntoMap;
import org.vvmhost.services.world.ComponentSetRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The command line. To add a subcommand: list its class in the parent's {@code subcommands}, give it an
 * {@code @Inject} constructor, and bind it here into the command map.
 */
@Module(subcomponents = RunComponent.class)
abstract class HostModule {

    private HostModule() {
    }

    @Binds
    @IntoMap
    @ClassKey(VvmhostCommand.class)
    abstract Object vvmhostCommand(VvmhostCommand command);

    @Binds
    @IntoMap
    @ClassKey(RunCommand.class)
    abstract Object runCommand(RunCommand command);

    @Binds
    @IntoMap
    @ClassKey(StatusCommand.class)
    abstract Object statusCommand(StatusCommand command);

    @Binds
    @IntoMap
    @ClassKey(SwitchoverCommand.class)
    abstract Object switchoverCommand(SwitchoverCommand command);

    @Binds
    @IntoMap
    @ClassKey(ProbeCommand.class)
    abstract Object probeCommand(ProbeCommand command);

    @Binds
    @IntoMap
    @ClassKey(ClusterCommand.class)
    abstract Object clusterCommand(ClusterCommand command);

    @Binds
    @IntoMap
    @ClassKey(ReplayCommand.class)
    abstract Object replayCommand(ReplayCommand command);

    @Binds
    @IntoMap
    @ClassKey(ClusterCommand.Run.class)
    abstract Object clusterRunCommand(ClusterCommand.Run command);

    @Binds
    @IntoMap
    @ClassKey(SimulatorCommand.class)
    abstract Object simulatorCommand(SimulatorCommand command);

    @Binds
    @IntoMap
    @ClassKey(DrillCommand.class)
    abstract Object drillCommand(DrillCommand command);

    /** The component sets this build knows; a world's config may enable only these. */
    @Provides
    static ComponentSetRegistry componentSets() {
        return ComponentSetRegistry.builtIn();
    }

    @Provides
    static CommandLine commandLine(CommandFactory factory, EnvironmentDefaults environmentDefaults) {
        CommandLine commandLine = new CommandLine(VvmhostCommand.class, factory);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(new UsageErrorHandler());
        commandLine.setExecutionExceptionHandler(new InternalErrorHandler());
        // Applies to the whole hierarchy, so it must come after the subcommands are added.
        commandLine.setDefaultValueProvider(environmentDefaults);
        addExitCodes(commandLine);
        return commandLine;
    }

    private static void addExitCodes(CommandLine command) {
        UsageMessageSpec usage = command.getCommandSpec().usageMessage();
        // A command that declares its own exit codes (status) keeps them.
        if (usage.exitCodeList().isEmpty()) {
            usage.exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.usageHelpTable());
        }
        command.getSubcommands().values().forEach(HostModule::addExitCodes);
    }
}
