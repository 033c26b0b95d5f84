package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shaded jar as a real process, launched with the Dockerfile's command line, on the embedded default. */
class VvmhostProcessIT {

    /** Generous: a cold JVM on a busy two-core machine. Scaled by -Dvvm.test.timeScale on slower ones. */
    private static final Duration BUDGET = Duration.ofSeconds(60)
            .multipliedBy(Long.getLong("vvm.test.timeScale", 1));

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void theImagesDefaultCommandLeadsOnTheEmbeddedDefault() throws InterruptedException {
        HostProcess host = start();

        assertThat(host.awaitLineContaining("no etcd endpoints configured", BUDGET)).isPresent();
        assertThat(host.awaitLineContaining("leadership acquired", BUDGET))
                .hasValueSatisfying(line -> assertThat(line).containsPattern("leadership acquired: fencing token 1:\\d+, "
                        + "leader key vvmhost/[0-9a-f]+, on in-memory election 'vvmhost'"));
        assertThat(host.awaitLineContaining("services started", BUDGET)).isPresent();
    }

    @Test
    void sigtermReleasesLeadershipAndExitsZero() throws InterruptedException {
        HostProcess host = start("run");
        assertThat(host.awaitLineContaining("services started", BUDGET)).isPresent();

        host.sigterm();

        assertThat(host.awaitLineContaining("SIGTERM received", BUDGET)).isPresent();
        assertThat(host.awaitLineContaining("leadership released", BUDGET)).isPresent();
        assertThat(host.awaitLineContaining("exit code 0", BUDGET)).isPresent();
        assertThat(host.awaitExit(BUDGET)).as(host.output()).contains(0);
        assertThat(host.output()).doesNotContain("ERROR", "Exception");
    }

    @Test
    void sigintShutsDownGracefullyToo() throws Exception {
        HostProcess host = start("run");
        assertThat(host.awaitLineContaining("services started", BUDGET)).isPresent();

        host.signal("INT");

        assertThat(host.awaitLineContaining("SIGINT received", BUDGET)).isPresent();
        assertThat(host.awaitLineContaining("leadership released", BUDGET)).isPresent();
        assertThat(host.awaitExit(BUDGET)).as(host.output()).contains(0);
    }

    @Test
    void aLeaseTtlBelowTheMinimumExitsTwoNamingTheOption() throws InterruptedException {
        HostProcess host = start("run", "--lease-ttl", "1s");

        assertThat(host.awaitExit(BUDGET)).as(host.output()).contains(2);
        assertThat(host.output())
                .contains("Invalid value for option '--lease-ttl'", "at least 2s", "Try 'vvmhost run --help'")
                .doesNotContain("Exception", "leadership acquired");
    }

    @Test
    void anUnknownOptionExitsTwo() throws InterruptedException {
        HostProcess host = start("run", "--no-such-option");

        assertThat(host.awaitExit(BUDGET)).as(host.output()).contains(2);
        assertThat(host.output()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void theVersionComesFromTheJarManifest() throws InterruptedException {
        HostProcess host = start("--version");

        assertThat(host.awaitExit(BUDGET)).as(host.output()).contains(0);
        assertThat(host.lines()).first().asString().matches("vvmhost \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        HostProcess host = start("run", "--log-format", "json");
        assertThat(host.awaitLineContaining("services started", BUDGET)).isPresent();
        host.sigterm();
        assertThat(host.awaitExit(BUDGET)).as(host.output()).contains(0);

        ObjectMapper json = new ObjectMapper();
        List<String> messages = new ArrayList<>();
        for (String line : host.lines()) {
            JsonNode event = json.readTree(line);
            assertThat(event.has("@timestamp") && event.has("level") && event.has("logger_name"))
                    .as("fields of %s", line).isTrue();
            messages.add(event.get("message").asText());
        }
        assertThat(messages).anyMatch(m -> m.startsWith("leadership acquired"))
                .anyMatch(m -> m.startsWith("leadership released"));
    }

    private HostProcess start(String... args) {
        HostProcess host = HostProcess.start(image, List.of(args));
        started.add(host);
        return host;
    }
}
