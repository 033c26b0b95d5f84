package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdSettings;
import picocli.CommandLine;

/** The etcd options of {@code run} and {@code status}, in-process: what they build, and what they refuse. */
class EtcdOptionsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @Test
    void endpointsSwitchRunToEtcdWithTheRunsElectionAndLease() {
        RunSettings settings = parseRun(Map.of(), "--etcd-endpoints", "http://10.0.0.1:2379, 10.0.0.2:2379",
                "--election", "world-1", "--lease-ttl", "4s");

        assertThat(settings.embedded()).isFalse();
        EtcdSettings etcd = settings.etcd().orElseThrow();
        assertThat(etcd.endpoints()).containsExactly(URI.create("http://10.0.0.1:2379"),
                URI.create("http://10.0.0.2:2379"));
        assertThat(etcd.election()).isEqualTo("world-1");
        assertThat(etcd.lease()).isEqualTo(LeaseSettings.ofTtl(Duration.ofSeconds(4)));
        assertThat(etcd.tls()).isEmpty();
        assertThat(etcd.credentials()).isEmpty();
    }

    @Test
    void theCompactionRetentionIsFiveMinutesUnlessGiven() {
        assertThat(parseRun(Map.of(), "--etcd-endpoints", "http://a:2379").etcd().orElseThrow()
                .compactionRetention()).isEqualTo(Duration.ofMinutes(5));
        assertThat(parseRun(Map.of("VVM_ETCD_COMPACTION_RETENTION", "1h"), "--etcd-endpoints", "http://a:2379")
                .etcd().orElseThrow().compactionRetention()).isEqualTo(Duration.ofHours(1));
        assertThat(parseRun(Map.of(), "--etcd-endpoints", "http://a:2379", "--etcd-compaction-retention", "30s")
                .etcd().orElseThrow().compactionRetention()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aCompactionRetentionWithoutEtcdIsRefused() {
        assertThat(execute(Map.of(), "run", "--etcd-compaction-retention", "10m")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--etcd-compaction-retention': it applies to "
                + "etcd only; give --etcd-endpoints (VVM_ETCD_ENDPOINTS) too, or drop it");
    }

    @Test
    void theEnvironmentGivesEndpointsAndCredentials() {
        RunSettings settings = parseRun(Map.of("VVM_ETCD_ENDPOINTS", "http://a:2379,http://b:2379",
                "VVM_ETCD_USER", "vvm", "VVM_ETCD_PASSWORD", "s3cret"));

        EtcdSettings etcd = settings.etcd().orElseThrow();
        assertThat(etcd.endpoints()).hasSize(2);
        assertThat(etcd.credentials()).contains(new EtcdSettings.Credentials("vvm", "s3cret"));
        assertThat(settings.toString()).as("the password never shows").doesNotContain("s3cret");
    }

    @Test
    void aPasswordFileIsReadWithoutItsTrailingNewline() throws IOException {
        Path secret = Files.writeString(dir.resolve("password"), "pa ss\n");

        RunSettings settings = parseRun(Map.of(), "--etcd-endpoints", "http://a:2379", "--etcd-user", "vvm",
                "--etcd-password-file", secret.toString());

        assertThat(settings.etcd().orElseThrow().credentials()).contains(new EtcdSettings.Credentials("vvm", "pa ss"));
    }

    @Test
    void tlsFilesAreTakenWithHttpsEndpoints() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
        Path key = Files.writeString(dir.resolve("key.pem"), "key");

        RunSettings settings = parseRun(Map.of("VVM_ETCD_KEY_FILE", key.toString()),
                "--etcd-endpoints", "https://etcd:2379", "--etcd-ca-file", ca.toString(),
                "--etcd-cert-file", cert.toString());

        assertThat(settings.etcd().orElseThrow().tls())
                .contains(new EtcdSettings.Tls(Optional.of(ca), Optional.of(cert), Optional.of(key)));
    }

    @Test
    void aBadEndpointNamesTheOption() {
        assertUsageError(List.of("run", "--etcd-endpoints", "ftp://etcd:2379"), "--etcd-endpoints", "http://");
        assertUsageError(List.of("run", "--etcd-endpoints", "http://etcd"), "--etcd-endpoints", "port");
    }

    @Test
    void anElectionEtcdCannotHoldNamesTheElectionOption() {
        assertUsageError(List.of("run", "--etcd-endpoints", "http://etcd:2379", "--election", "world/"),
                "--election", "must not start or end with '/'");
    }

    @Test
    void tlsFilesWithHttpEndpointsAskForHttps() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
        assertUsageError(List.of("run", "--etcd-endpoints", "http://etcd:2379", "--etcd-ca-file", ca.toString()),
                "--etcd-endpoints", "https://");
    }

    @Test
    void aMissingTlsFileNamesItsOption() {
        assertUsageError(List.of("run", "--etcd-endpoints", "https://etcd:2379", "--etcd-ca-file",
                dir.resolve("absent.pem").toString()), "--etcd-ca-file", "does not exist");
    }

    @Test
    void aCertificateWithoutItsKeyNamesTheMissingOption() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
        assertUsageError(List.of("run", "--etcd-endpoints", "https://etcd:2379", "--etcd-cert-file",
                cert.toString()), "--etcd-key-file", "give both");
    }

    @Test
    void aUserWithoutAPasswordAsksForOne() {
        assertUsageError(List.of("run", "--etcd-endpoints", "http://etcd:2379", "--etcd-user", "vvm"),
                "--etcd-password", "VVM_ETCD_PASSWORD");
    }

    @Test
    void aPasswordWithoutAUserAsksForOne() {
        assertUsageError(List.of("run", "--etcd-endpoints", "http://etcd:2379", "--etcd-password", "x"),
                "--etcd-user", "no etcd user");
    }

    @Test
    void aPasswordAndAPasswordFileTogetherAreRefused() throws IOException {
        Path secret = Files.writeString(dir.resolve("password"), "x");
        assertUsageError(List.of("run", "--etcd-endpoints", "http://etcd:2379", "--etcd-user", "vvm",
                "--etcd-password", "x", "--etcd-password-file", secret.toString()), "--etcd-password", "not both");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--etcd-user", "--etcd-password", "--etcd-ca-file"})
    void etcdOnlyOptionsWithoutEndpointsAreRefusedRatherThanIgnored(String option) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertUsageError(List.of("run", option, option.endsWith("file") ? file.toString() : "x"), option,
                "--etcd-endpoints");
    }

    @Test
    void statusNeedsEndpoints() {
        assertUsageError(List.of("status"), "--etcd-endpoints", "status reads the election from etcd");
    }

    @Test
    void statusSharesTheEtcdOptionsChecks() {
        assertUsageError(List.of("status", "--etcd-endpoints", "http://etcd:2379", "--etcd-user", "vvm"),
                "--etcd-password", "needs a password");
    }

    @Test
    void statusHelpListsItsOwnExitCodes() {
        assertThat(execute(Map.of(), "status", "--help")).isZero();
        assertThat(out.toString()).contains("--etcd-endpoints", "--json", "--timeout", "Exit codes:",
                "3   etcd did not answer", "6   etcd refused access").doesNotContain("Leadership lost");
    }

    @Test
    void statusOfAnEtcdThatDoesNotAnswerExitsThreeWithoutAStackTrace() {
        // Port 1 on loopback refuses connections at once.
        int exitCode = execute(Map.of(), "status", "--etcd-endpoints", "http://127.0.0.1:1", "--timeout", "3s");

        assertThat(exitCode).as(err.toString()).isEqualTo(ExitCode.STARTUP_FAILED.code());
        assertThat(err.toString()).contains("cannot read the election 'vvmhost'", "--etcd-endpoints")
                .doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    private void assertUsageError(List<String> args, String option, String hint) {
        int exitCode = execute(Map.of(), args.toArray(String[]::new));

        assertThat(exitCode).as(err.toString()).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("Invalid value for option '" + option + "'", hint)
                .doesNotContain("Exception", "\tat ");
    }

    private int execute(Map<String, String> environment, String... args) {
        return commandLine(environment).execute(args);
    }

    private RunSettings parseRun(Map<String, String> environment, String... options) {
        CommandLine commandLine = commandLine(environment);
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(options));
        commandLine.parseArgs(args.toArray(String[]::new));
        RunCommand run = commandLine.getSubcommands().get("run").getCommand();
        return run.settings();
    }

    private CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(environment)).commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }
}
