package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Auth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/** {@code vvmhost} against an etcd with authentication on: a wrong password is exit 6 and one clear line. */
class EtcdAuthIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static final String PASSWORD = "right-password";

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void enableAuth() throws Exception {
        long budget = TIMING.eventBudget().toMillis();
        Auth auth = ETCD.admin().getAuthClient();
        auth.userAdd(EtcdExtension.bytes("root"), EtcdExtension.bytes(PASSWORD)).get(budget, TimeUnit.MILLISECONDS);
        auth.roleAdd(EtcdExtension.bytes("root")).get(budget, TimeUnit.MILLISECONDS);
        auth.userGrantRole(EtcdExtension.bytes("root"), EtcdExtension.bytes("root")).get(budget, TimeUnit.MILLISECONDS);
        auth.authEnable().get(budget, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    @Test
    void aWrongPasswordExitsSixWithOneErrorLineNamingTheOptions() throws Exception {
        HostProcess host = start("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--etcd-user", "root",
                "--etcd-password", "wrong", "--lease-ttl", "2s");

        assertThat(host.awaitExit(TIMING.startBudget())).as(host.output()).contains(6);
        assertThat(host.lines()).filteredOn(line -> line.contains("ERROR")).singleElement().asString()
                .contains("etcd refused the credentials", "--etcd-user", "--etcd-password");
        assertThat(host.output()).doesNotContain("\tat ", "Caused by", "leadership acquired",
                "campaigning for leadership");
    }

    @Test
    void statusWithAWrongPasswordExitsSix() throws Exception {
        // etcd checks a password with bcrypt, which a busy machine can make slower than status's default 5s.
        HostProcess status = start("status", "--etcd-endpoints", ETCD.endpoint().toString(), "--etcd-user", "root",
                "--etcd-password", "wrong", "--timeout", TIMING.eventBudget().toSeconds() + "s");

        assertThat(status.awaitExit(TIMING.startBudget())).as(status.output()).contains(6);
        assertThat(status.output()).contains("etcd refused the credentials", "--etcd-user").doesNotContain("\tat ");
    }

    @Test
    void theRightPasswordFromAFileReadsTheElection() throws Exception {
        Path secret = Files.writeString(dir.resolve("etcd-password"), PASSWORD + "\n");
        HostProcess status = start("status", "--etcd-endpoints", ETCD.endpoint().toString(), "--etcd-user", "root",
                "--etcd-password-file", secret.toString(), "--election", "e2e-auth", "--timeout",
                TIMING.eventBudget().toSeconds() + "s");

        assertThat(status.awaitExit(TIMING.startBudget())).as(status.output()).contains(0);
        assertThat(status.output()).contains("election 'e2e-auth'", "no leader");
    }

    private HostProcess start(String... args) {
        HostProcess host = HostProcess.start(image, List.of(args));
        started.add(host);
        return host;
    }
}
