package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vvmhost cluster run}, in-process, on the examples the repository ships. */
class ClusterCommandTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "cluster");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path temp;

    @Test
    void theShippedScenarioRunsInVirtualTimeAndWritesItsMetrics() throws IOException {
        Path json = temp.resolve("metrics.json");

        int exit = execute("cluster", "run", "-f", EXAMPLES.resolve("manifests.yaml").toString(),
                "--scenario", EXAMPLES.resolve("scenario.yaml").toString(), "--virtual-time",
                "--rate", "200", "--seed", "42", "--json-out", json.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("latency p99", "served by demo-a", "SERVER_DOWN");
        JsonNode metrics = new ObjectMapper().readTree(json.toFile());
        assertThat(metrics.isObject()).isTrue();
        assertThat(metrics.toString()).contains("p99");
    }

    @Test
    void theSameSeedGivesTheSameMetrics() throws IOException {
        Path first = temp.resolve("first.json");
        Path second = temp.resolve("second.json");
        String manifests = EXAMPLES.resolve("manifests.yaml").toString();
        String scenario = EXAMPLES.resolve("scenario.yaml").toString();

        assertThat(execute("cluster", "run", "-f", manifests, "--scenario", scenario, "--virtual-time",
                "--rate", "200", "--seed", "7", "--json-out", first.toString())).isZero();
        assertThat(execute("cluster", "run", "-f", manifests, "--scenario", scenario, "--virtual-time",
                "--rate", "200", "--seed", "7", "--json-out", second.toString())).isZero();

        assertThat(Files.readString(second)).isEqualTo(Files.readString(first));
    }

    @Test
    void anInvalidManifestIsAUsageErrorThatNamesTheField() throws IOException {
        Path manifests = temp.resolve("bad.yaml");
        Files.writeString(manifests, """
                kind: ReplicaSet
                metadata:
                  name: pool
                spec:
                  replicas: -1
                  selector: {app: demo}
                  template:
                    metadata:
                      labels: {app: demo}
                    spec:
                      image: demo
                """);

        int exit = execute("cluster", "run", "-f", manifests.toString(), "--virtual-time", "--duration", "1s");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("replicas").contains("Try 'vvmhost cluster run --help'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void missingManifestsIsAUsageError() {
        assertThat(execute("cluster", "run", "--virtual-time")).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("--file");
    }

    @Test
    void clusterWithoutASubcommandIsAUsageError() {
        assertThat(execute("cluster")).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("cluster run");
    }

    @Test
    void environmentVariablesDoNotReachTheClusterOptions() {
        int exit = execute(Map.of("VVM_TIMEOUT", "abc", "VVM_FILE", "absent.yaml"), "cluster", "run",
                "-f", EXAMPLES.resolve("manifests.yaml").toString(), "--virtual-time", "--duration", "1s");

        assertThat(exit).as(err.toString()).isZero();
    }

    private int execute(String... args) {
        return execute(Map.of(), args);
    }

    private int execute(Map<String, String> environment, String... args) {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(environment)).commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
