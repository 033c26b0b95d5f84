package org.vvmhost.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vvmhost.services.cluster.ClusterScenarioRunner;
import org.vvmhost.services.cluster.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vvmhost cluster run}: runs the in-process cluster of seed 003 with the outage timeline of seed 004. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "The in-process cluster: containers, replica sets and load-balanced services in one JVM.",
        subcommands = ClusterCommand.Run.class)
public final class ClusterCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int BAD_INPUT = 2;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing subcommand: use 'cluster run'.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs a cluster from manifests; every container runs the built-in 'demo' image. An open-loop",
                    "Poisson generator sends requests to one service, a scenario may inject faults, and the",
                    "latency, throughput, errors and requests per container are printed (and written as JSON)."})
    public static final class Run implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = {"-f", "--file"}, required = true, paramLabel = "MANIFESTS",
                description = "Multi-document YAML of Container, ReplicaSet and Service.")
        private Path file;

        @Option(names = "--scenario", paramLabel = "SCENARIO", description = "YAML timeline of events (seed 004).")
        private Path scenario;

        @Option(names = "--virtual-time",
                description = "Run as a deterministic discrete-event simulation, as fast as the CPU allows.")
        private boolean virtualTime;

        @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Length of the run: seconds (30, 2.5) or with a unit (500ms, 30s, 2m). "
                        + "Default: the scenario's horizon_s, else 30s.")
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

        @Override
        public Integer call() {
            try {
                ClusterScenarioRunner.Settings settings = new ClusterScenarioRunner.Settings(file, scenario, virtualTime,
                        duration, rate, seed, jsonOut, service, timeout);
                ClusterScenarioRunner.run(settings, spec.commandLine().getOut());
                return OK;
            } catch (InvalidInputException e) {
                spec.commandLine().getErr().println("cluster run: " + e.getMessage());
                return BAD_INPUT;
            }
        }
    }

    /** Seconds as a number, or a number with ms, s or m. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            double factor = 1e9;
            if (text.endsWith("ms")) {
                factor = 1e6;
                text = text.substring(0, text.length() - 2);
            } else if (text.endsWith("s")) {
                text = text.substring(0, text.length() - 1);
            } else if (text.endsWith("m")) {
                factor = 60e9;
                text = text.substring(0, text.length() - 1);
            }
            try {
                double amount = Double.parseDouble(text);
                if (!(amount > 0) || Double.isInfinite(amount)) {
                    throw new CommandLine.TypeConversionException("must be positive, not '" + value + "'");
                }
                return Duration.ofNanos(Math.round(amount * factor));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration: give seconds (30, 2.5) or 500ms, 30s, 2m");
            }
        }
    }
}
