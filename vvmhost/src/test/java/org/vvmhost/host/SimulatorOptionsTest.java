package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code vvmhost simulator}: environment defaults, and a usage error (exit 2) that names the option. */
class SimulatorOptionsTest {

    private final StringWriter err = new StringWriter();

    private CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(environment)).commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }

    private SimulatorCommand.Settings parse(Map<String, String> environment, String... args) {
        CommandLine commandLine = commandLine(environment);
        commandLine.parseArgs(args);
        SimulatorCommand simulator = commandLine.getSubcommands().get("simulator").getCommand();
        return simulator.settings();
    }

    @Test
    void optionsComeFromTheEnvironmentAsRunsDo() {
        SimulatorCommand.Settings settings = parse(Map.of("VVM_ETCD_ENDPOINTS", "http://etcd:2379", "VVM_ELECTION",
                "world", "VVM_SIMULATOR_ID", "sim-7", "VVM_COMPONENT_SETS", "physics", "VVM_CAPACITY", "12",
                "VVM_LEASE_TTL", "4s", "VVM_ADVERTISE_ADDRESS", "10.0.0.7:7070", "VVM_DRAIN_TIMEOUT", "45s",
                "HOSTNAME", "pod-1"),
                "simulator", "--grpc-port", "7171");

        assertThat(settings.id()).isEqualTo("sim-7");
        assertThat(settings.etcd().election()).isEqualTo("world");
        assertThat(settings.etcd().lease().ttl()).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.grpcBind().getPort()).isEqualTo(7171);
        assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.registration(7171)).satisfies(registration -> {
            assertThat(registration.address()).isEqualTo("10.0.0.7:7070");
            assertThat(registration.componentSets()).isEqualTo(List.of("physics"));
            assertThat(registration.capacity()).isEqualTo(12);
            assertThat(registration.host()).isEqualTo("pod-1");
        });
        assertThat(parse(Map.of("VVM_ETCD_ENDPOINTS", "http://etcd:2379", "HOSTNAME", "pod-2"), "simulator")
                .registration(7070).address()).isEqualTo("pod-2:7070");
        assertThat(parse(Map.of("VVM_ETCD_ENDPOINTS", "http://etcd:2379"), "simulator").drainTimeout())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void eachBadOptionIsAUsageErrorThatNamesIt() {
        Map<String, String> etcd = Map.of("VVM_ETCD_ENDPOINTS", "http://etcd:2379");
        assertUsageError(Map.of(), "'--etcd-endpoints': a simulator registers in etcd", "simulator");
        assertUsageError(etcd, "'--component-sets': 'hunger' is not a component set this build can simulate; it knows",
                "simulator", "--component-sets", "physics,hunger");
        assertUsageError(etcd, "'--capacity': at least 1 area, got 0", "simulator", "--capacity", "0");
        assertUsageError(etcd, "'--lease-ttl'", "simulator", "--lease-ttl", "1s");
        assertUsageError(etcd, "'--drain-timeout': '0s' must be above 0", "simulator", "--drain-timeout", "0s");
        assertUsageError(etcd, "'--advertise-address': 'pod:x': give host:port", "simulator",
                "--advertise-address", "pod:x");
        assertUsageError(etcd, "'--grpc-port': it is the HTTP port too", "simulator", "--grpc-port", "8080");
    }

    private void assertUsageError(Map<String, String> environment, String message, String... args) {
        err.getBuffer().setLength(0);
        assertThat(commandLine(environment).execute(args)).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("Invalid value for option " + message).doesNotContain("Exception");
    }
}
