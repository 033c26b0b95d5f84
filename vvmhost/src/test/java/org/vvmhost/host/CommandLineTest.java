package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.etcd.EtcdSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line, in-process: parsing, defaults, usage errors. Nothing here launches a VVM. */
class CommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void helpListsTheRunCommandAndTheExitCodes() {
        assertThat(execute(Map.of(), "--help")).isZero();
        assertThat(out.toString()).contains("Usage: vvmhost", "run", "Exit codes:", "Leadership lost".toLowerCase());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void versionNamesTheProduct() {
        assertThat(execute(Map.of(), "--version")).isZero();
        assertThat(out.toString()).startsWith("vvmhost ").contains("Java 17");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "status", "switchover"})
    void helpDocumentsEveryOptionWithItsEnvironmentVariable(String subcommand) {
        assertThat(execute(Map.of(), subcommand, "--help")).isZero();
        CommandLine command = commandLine(Map.of()).getSubcommands().get(subcommand);
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            assertThat(out.toString()).contains(option.longestName());
            assertThat(String.join(" ", option.description()))
                    .as("description of %s", option.longestName())
                    .contains("Env: " + EnvironmentDefaults.variableName(option) + ".");
        }
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertThat(execute(Map.of())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing subcommand", "Try 'vvmhost --help'");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithAHint() {
        assertThat(execute(Map.of(), "run", "--lease-tll=5s")).isEqualTo(2);
        assertThat(err.toString())
                .contains("Unknown option: '--lease-tll=5s'")
                .contains("Possible solutions: --lease-ttl")
                .contains("Try 'vvmhost run --help' for more information.");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aLeaseTtlBelowEtcdsMinimumIsAUsageErrorNamingTheOptionAndTheMinimum() {
        assertThat(execute(Map.of(), "run", "--lease-ttl", "1s")).isEqualTo(2);
        assertThat(err.toString())
                .contains("Invalid value for option '--lease-ttl'")
                .contains("at least 2s")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aLeaseTtlFromTheEnvironmentIsValidatedTheSameWay() {
        assertThat(execute(Map.of("VVM_LEASE_TTL", "1s"), "run")).isEqualTo(2);
        assertThat(err.toString()).contains("'--lease-ttl'", "at least 2s");
    }

    @Test
    void aLeaseTtlInFractionsOfASecondIsRejected() {
        assertThat(execute(Map.of(), "run", "--lease-ttl", "2500ms")).isEqualTo(2);
        assertThat(err.toString()).contains("'--lease-ttl'", "whole number of seconds");
    }

    @Test
    void aRenewDeadlineNotBelowTheTtlIsRejectedByName() {
        assertThat(execute(Map.of(), "run", "--lease-ttl", "5s", "--renew-deadline", "5s")).isEqualTo(2);
        assertThat(err.toString()).contains("'--renew-deadline'", "below the lease TTL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--lease-ttl", "--renew-deadline", "--acquire-timeout", "--kill-delay"})
    void aBadDurationNamesTheOptionAndTheAcceptedForms(String option) {
        assertThat(execute(Map.of(), "run", option, "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '" + option + "': 'soon' is not a duration; "
                + "use a number with a unit: 500ms, 10s, 2m, 1h").doesNotContain("PT");
    }

    @Test
    void statusEchoesItsTimeoutAsWritten() {
        // Nothing listens on port 1 of the loopback.
        assertThat(execute(Map.of(), "status", "--etcd-endpoints", "http://127.0.0.1:1", "--timeout", "1s"))
                .isEqualTo(3);
        assertThat(err.toString()).startsWith("cannot read the election 'vvmhost' from etcd [http://127.0.0.1:1] "
                + "within 1s: ").doesNotContain("1000ms");
    }

    @Test
    void aSwitchoverNeedsEtcdATimeoutOfAtLeastTwoSecondsAndAReadableToken() {
        assertThat(execute(Map.of(), "switchover", "--to", "b")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--etcd-endpoints': switchover reads the leader "
                + "from etcd");
        assertThat(execute(Map.of(), "switchover", "--etcd-endpoints", "http://127.0.0.1:1", "--timeout", "1s"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--timeout': it must be at least 2s");
        assertThat(execute(Map.of("VVM_ETCD_ENDPOINTS", "http://127.0.0.1:1"), "switchover", "--api-token-file",
                "/nonexistent/token")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--api-token-file': cannot read "
                + "'/nonexistent/token'");
        assertThat(execute(Map.of(), "switchover", "--help")).isZero();
        assertThat(out.toString()).contains("8   the switchover was refused");
    }

    @Test
    void aNegativeDurationMustBeAboveZero() {
        assertThat(execute(Map.of(), "run", "--kill-delay", "-5s")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--kill-delay': '-5s' must be above 0");
    }

    @Test
    void aDurationIsEchoedAsTheUserWroteIt() {
        assertThat(execute(Map.of(), "run", "--lease-ttl", "10s", "--renew-deadline", "12s")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--renew-deadline': the renew deadline must be "
                + "above 0 and below the lease TTL (10s); got 12s");
        err.getBuffer().setLength(0);
        assertThat(execute(Map.of(), "run", "--lease-ttl", "1500ms")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--lease-ttl': the lease TTL must be at least "
                + "2s, etcd's minimum; got 1500ms");
    }

    @Test
    void anUnknownLogFormatIsAUsageError() {
        assertThat(execute(Map.of(), "run", "--log-format", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("'--log-format'", "TEXT", "JSON");
    }

    @Test
    void simulatorsAreLocalByDefaultAndOnEtcdOnlyWithEtcd() {
        assertThat(parseRun(Map.of()).world().simulators()).isEqualTo(WorldOptions.Simulators.LOCAL);
        assertThat(parseRun(Map.of("VVM_SIMULATORS", "etcd", "VVM_ETCD_ENDPOINTS", "http://127.0.0.1:2379"))
                .world().simulators()).isEqualTo(WorldOptions.Simulators.ETCD);

        assertThat(execute(Map.of(), "run", "--simulators", "etcd")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--simulators': etcd finds the simulator "
                + "processes in etcd: give --etcd-endpoints");
        assertThat(execute(Map.of(), "run", "--simulators", "remote")).isEqualTo(2);
        assertThat(err.toString()).contains("'--simulators'", "LOCAL", "ETCD");
    }

    @Test
    void aBlankInstanceIdIsRejected() {
        assertThat(execute(Map.of(), "run", "--instance-id", " ")).isEqualTo(2);
        assertThat(err.toString()).contains("'--instance-id'", "blank");
    }

    @Test
    void defaultsWithoutEnvironment() {
        RunSettings settings = parseRun(Map.of("HOSTNAME", "node-7"));

        assertThat(settings.embedded()).isTrue();
        assertThat(settings.election()).isEqualTo("vvmhost").isEqualTo(EtcdSettings.DEFAULT_ELECTION);
        assertThat(settings.host()).isEqualTo("node-7");
        assertThat(settings.instanceId()).matches("node-7-" + ProcessHandle.current().pid() + "-[0-9a-f]{8}");
        assertThat(settings.lease()).isEqualTo(LeaseSettings.defaults());
        assertThat(settings.lease().renewDeadline()).isEqualTo(Duration.ofSeconds(20).dividedBy(3));
        assertThat(settings.vvm().acquireTimeout()).isEmpty();
        assertThat(settings.vvm().killDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.logFormat()).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void theDefaultInstanceIdDiffersBetweenRuns() {
        assertThat(parseRun(Map.of()).instanceId()).isNotEqualTo(parseRun(Map.of()).instanceId());
    }

    @Test
    void environmentVariablesSetTheDefaults() {
        RunSettings settings = parseRun(Map.of(
                "VVM_ELECTION", "world-1",
                "VVM_INSTANCE_ID", "replica-a",
                "VVM_LEASE_TTL", "PT4S",
                "VVM_RENEW_DEADLINE", "3s",
                "VVM_ACQUIRE_TIMEOUT", "2m",
                "VVM_KILL_DELAY", "500ms",
                "VVM_LOG_FORMAT", "json",
                "VVM_ETCD_ENDPOINTS", ""));

        assertThat(settings.embedded()).as("a blank variable counts as unset").isTrue();
        assertThat(settings.election()).isEqualTo("world-1");
        assertThat(settings.instanceId()).isEqualTo("replica-a");
        assertThat(settings.lease()).isEqualTo(new LeaseSettings(Duration.ofSeconds(4), Duration.ofSeconds(3)));
        assertThat(settings.vvm().acquireTimeout()).contains(Duration.ofMinutes(2));
        assertThat(settings.vvm().killDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.logFormat()).isEqualTo(LogFormat.JSON);
    }

    @Test
    void optionsOverrideTheEnvironment() {
        RunSettings settings = parseRun(Map.of("VVM_ELECTION", "from-env", "VVM_LEASE_TTL", "4s"),
                "--election", "from-option", "--lease-ttl", "6s", "--log-format", "JSON");

        assertThat(settings.election()).isEqualTo("from-option");
        assertThat(settings.lease()).isEqualTo(LeaseSettings.ofTtl(Duration.ofSeconds(6)));
        assertThat(settings.vvm().acquireTimeout()).isEqualTo(Optional.empty());
        assertThat(settings.logFormat()).isEqualTo(LogFormat.JSON);
    }

    private int execute(Map<String, String> environment, String... args) {
        return commandLine(environment).execute(args);
    }

    private RunSettings parseRun(Map<String, String> environment, String... options) {
        CommandLine commandLine = commandLine(environment);
        String[] args = new String[options.length + 1];
        args[0] = "run";
        System.arraycopy(options, 0, args, 1, options.length);
        commandLine.parseArgs(args);
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
