package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vvmhost drill}'s usage errors, in-process: each names the option and how to fix it, and exits 2. */
class DrillCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void helpDocumentsTheKindsAndTheExitCodes() {
        assertThat(execute(Map.of(), "drill", "--help")).isZero();
        assertThat(out.toString()).contains("--kinds", "ETCD_QUORUM_LOSS", "SWITCHOVER", "--target", "--report",
                "--sigterm", "--commands-per-second", "0   every promise held", "1   a promise was broken",
                "2   usage error");
    }

    @Test
    void withoutEtcdTheLocalTargetSaysHowToGetIt() {
        assertThat(execute(Map.of("PATH", "/nonexistent"), "drill")).isEqualTo(2);
        assertThat(err.toString()).contains("--etcd-binary", "no etcd on the PATH", "apt-get install etcd-server");
    }

    @Test
    void anEtcdBinaryThatIsNotOneIsAUsageError() {
        assertThat(execute(Map.of(), "drill", "--etcd-binary", "/nonexistent/etcd")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--etcd-binary'", "is not an executable file");
    }

    @Test
    void theLocalTargetRunsItsOwnEtcd() {
        assertThat(execute(Map.of(), "drill", "--etcd-endpoints", "http://127.0.0.1:2379")).isEqualTo(2);
        assertThat(err.toString()).contains("--etcd-endpoints", "--target external");
    }

    @Test
    void theExternalTargetNeedsATemplateForEachKind() {
        assertThat(execute(Map.of(), "drill", "--target", "external", "--etcd-endpoints", "http://127.0.0.1:2379",
                "--kinds", "SIGTERM,SIGKILL", "--sigterm", "kill {pid}")).isEqualTo(2);
        assertThat(err.toString()).contains("SIGKILL needs its command template --sigkill");
    }

    @Test
    void aSwitchoverNeedsNoTemplateButATokenFileMustHoldOne(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("token"), "\n");
        assertThat(execute(Map.of(), "drill", "--target", "external", "--etcd-endpoints", "http://127.0.0.1:2379",
                "--kinds", "SWITCHOVER", "--api-token-file", empty.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'--api-token-file'", "is empty; put the token in it")
                .doesNotContain("--switchover");
    }

    @Test
    void theLocalTargetsReplicasHaveNoApiToken(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "secret");
        assertThat(execute(Map.of(), "drill", "--kinds", "SWITCHOVER", "--api-token-file", token.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'--api-token-file'", "--target external");
    }

    @Test
    void theExternalTargetCannotFaultEtcd() {
        assertThat(execute(Map.of(), "drill", "--target", "external", "--etcd-endpoints", "http://127.0.0.1:2379",
                "--kinds", "ETCD_RESTART")).isEqualTo(2);
        assertThat(err.toString()).contains("ETCD_RESTART faults etcd itself, which only the local target runs");
    }

    @Test
    void durationsAreWrittenAsForRun() {
        assertThat(execute(Map.of(), "drill", "--lease-ttl", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("'--lease-ttl'", "use a number with a unit");
    }

    @Test
    void aNegativeCommandRateIsAUsageError() {
        assertThat(execute(Map.of("PATH", System.getenv("PATH")), "drill", "--commands-per-second", "-5"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("commands per second must not be negative, got -5");
    }

    @Test
    void anUnknownKindIsAUsageError() {
        assertThat(execute(Map.of(), "drill", "--kinds", "SIGHUP")).isEqualTo(2);
        assertThat(err.toString()).contains("--kinds", "SIGHUP");
    }

    private int execute(Map<String, String> environment, String... args) {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(environment)).commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
