package org.vvmhost.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.vvmhost.services.cluster.InvalidInputException;
import org.vvmhost.services.cluster.demo.ClusterScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vvmhost cluster run}: runs the in-process cluster under load, with a timeline of planned faults. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "The in-process cluster: containers, replica sets and load-balanced services in one JVM.",
        subcommands = ClusterCommand.Run.class)
final class ClusterCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Inject
    ClusterCommand() {
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: use 'cluster run'");
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs a cluster from manifests; every container runs the built-in 'demo' image. An open-loop",
                    "Poisson generator sends requests to one service, a scenario may inject faults, and the",
                    "latency, throughput, errors and requests per container are printed (and written as JSON)."})
    static final class Run implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = {"-f", "--file"}, required = true, paramLabel = "MANIFESTS",
                description = "Multi-document YAML of Container, ReplicaSet and Service.")
        private Path file;

        @Option(names = "--scenario", paramLabel = "SCENARIO",
                description = "YAML timeline of planned faults: outages, latency spikes, kills, stops, scaling.")
        private Path scenario;

        @Option(names = "--virtual-time",
                description = "Run as a deterministic discrete-event simulation, as fast as the CPU allows.")
        private boolean virtualTime;

        @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Length of the run (500ms, 30s, 2m). Default: the scenario's horizon_s, else 30s.")
        private Duration duration;

        @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "100",
                description = "Mean requests per second, Poisson arrivals (default: ${DEFAULT-VALUE}).")
        private double rate;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
        private long seed;

        @Option(names = "--json-out", paramLabel = "FILE", description = "Also write the metrics as JSON to FILE.")
        private Path jsonOut;

        @Option(names = "--service", paramLabel = "NAME",
                description = "The service to send to (default: the first Service in the manifests).")
        private String service;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
                description = "How long a request waits for its reply (default: ${DEFAULT-VALUE}).")
        private Duration timeout;

        @Inject
        Run() {
        }

        @Override
        public Integer call() {
            // The metrics table is the result on standard output; log lines (warnings only) go to standard error.
            LogConfiguration.applyQuiet();
            try {
                ClusterScenarioRunner.Settings settings = new ClusterScenarioRunner.Settings(file, scenario, virtualTime,
                        duration, rate, seed, jsonOut, service, timeout);
                ClusterScenarioRunner.run(settings, spec.commandLine().getOut());
                return ExitCode.GRACEFUL.code();
            } catch (InvalidInputException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
    }
}
