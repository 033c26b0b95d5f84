package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vvmhost.testing.TestCertificates;
import picocli.CommandLine;

/** The HTTP API's options of {@code vvmhost run}: defaults, variables, and each bad value named. */
class HttpOptionsTest {

    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @Test
    void defaultsListenOnAllInterfacesOnPort8080WithNoToken() {
        HttpSettings http = parse(Map.of());

        assertThat(http.port()).isEqualTo(8080);
        assertThat(http.host()).isEmpty();
        assertThat(http.loopbackOnly()).isFalse();
        assertThat(http.advertiseUrl()).isEmpty();
        assertThat(http.token()).isEmpty();
        assertThat(http.tls()).isEmpty();
    }

    @Test
    void variablesSetThemAndTheTokenFileLosesItsNewline() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t0ken\n");
        HttpSettings http = parse(Map.of("VVM_HTTP_PORT", "0", "VVM_HTTP_HOST", "127.0.0.1",
                "VVM_ADVERTISE_URL", "http://10.1.2.3:8080", "VVM_API_TOKEN_FILE", token.toString()));

        assertThat(http.port()).isZero();
        assertThat(http.loopbackOnly()).isTrue();
        assertThat(http.advertiseUrl()).contains(URI.create("http://10.1.2.3:8080"));
        assertThat(http.token()).hasValueSatisfying(t -> {
            assertThat(t.matches("t0ken")).isTrue();
            assertThat(t.matches("t0ken\n")).isFalse();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://host:1", "host:8080", "http://", "http://h:1/?q=1", "http://a b"})
    void aBadAdvertiseUrlIsAUsageErrorNamingTheOption(String url) {
        assertThat(execute("run", "--advertise-url", url)).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--advertise-url'");
    }

    @Test
    void aBadPortOrHostIsNamed() {
        assertThat(execute("run", "--http-port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("'--http-port'", "0..65535");
        assertThat(execute("run", "--http-port", "eighty")).isEqualTo(2);
        assertThat(execute("run", "--http-host", "no-such-host.invalid")).isEqualTo(2);
        assertThat(err.toString()).contains("'--http-host'");
    }

    @Test
    void anEmptyTokenFileOrAHalfTlsPairIsNamed() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThat(execute("run", "--api-token-file", empty.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'--api-token-file'", "empty");

        Path cert = Files.writeString(dir.resolve("tls.crt"), "not a certificate");
        assertThat(execute("run", "--http-tls-cert-file", cert.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'--http-tls-key-file'", "give both");
    }

    @Test
    void pemFilesThatAreNotWhatTheySayAreNamed() throws Exception {
        TestCertificates good = TestCertificates.generate();
        Path notPem = Files.writeString(dir.resolve("bad.pem"), "hello");

        assertThat(execute("run", "--http-tls-cert-file", notPem.toString(), "--http-tls-key-file",
                good.serverKey().toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'--http-tls-cert-file'", "not a PEM certificate");
        assertThat(execute("run", "--http-tls-cert-file", good.serverCert().toString(), "--http-tls-key-file",
                notPem.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'--http-tls-key-file'", "PKCS#8");
    }

    private HttpSettings parse(Map<String, String> environment) {
        CommandLine commandLine = commandLine(environment);
        commandLine.parseArgs("run");
        RunCommand run = commandLine.getSubcommands().get("run").getCommand();
        return run.settings().http();
    }

    private int execute(String... args) {
        return commandLine(Map.of()).execute(args);
    }

    private CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(environment)).commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }
}
