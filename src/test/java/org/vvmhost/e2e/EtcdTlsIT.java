package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.testing.EtcdConfig;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestCertificates;
import org.vvmhost.testing.TestTiming;

/**
 * {@code vvmhost} against an etcd that serves https with a certificate of a test CA. A certificate it cannot trust ends
 * the start with exit 6 and one ERROR line that names the certificate, the reason and {@code --etcd-ca-file}, instead of
 * retrying forever.
 */
class EtcdTlsIT {

    private static final TestCertificates CERTS = TestCertificates.generate();

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension(EtcdConfig.defaults()
            .withTls(CERTS.serverCert(), CERTS.serverKey()));

    private static final TestTiming TIMING = TestTiming.current();

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(HostProcess::close);
    }

    private String unknownIssuer() {
        return "etcd's certificate at " + ETCD.endpoint() + " (subject " + TestCertificates.SERVER_SUBJECT + ") is "
                + "not trusted: unknown issuer (no CA this replica trusts signed it). To fix: give the CA that signed "
                + "it with --etcd-ca-file <pem> (VVM_ETCD_CA_FILE)";
    }

    @Test
    void withoutTheCaTheStartEndsWithExitSixAndOneErrorLine() throws Exception {
        HostProcess host = start("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--lease-ttl", "2s");

        assertThat(host.awaitExit(TIMING.startBudget())).as(host.output()).contains(6);
        assertThat(host.lines()).filteredOn(line -> line.contains("ERROR")).singleElement().asString()
                .endsWith(unknownIssuer());
        assertThat(host.output()).doesNotContain("\tat ", "Caused by", "Network closed", "campaigning");
    }

    @Test
    void withAnotherCaTheStartEndsWithExitSix() throws Exception {
        HostProcess host = start("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--lease-ttl", "2s",
                "--etcd-ca-file", CERTS.otherCa().toString());

        assertThat(host.awaitExit(TIMING.startBudget())).as(host.output()).contains(6);
        assertThat(host.lines()).filteredOn(line -> line.contains("ERROR")).singleElement().asString()
                .endsWith(unknownIssuer());
    }

    @Test
    void statusWithoutTheCaExitsSix() throws Exception {
        HostProcess status = start("status", "--etcd-endpoints", ETCD.endpoint().toString());

        assertThat(status.awaitExit(TIMING.startBudget())).as(status.output()).contains(6);
        assertThat(status.output()).contains(unknownIssuer()).doesNotContain("\tat ");
    }

    @Test
    void withTheRightCaItLeadsAndStopsGracefully() throws Exception {
        HostProcess host = start("run", "--etcd-endpoints", ETCD.endpoint().toString(), "--lease-ttl", "2s",
                "--etcd-ca-file", CERTS.ca().toString());

        assertThat(host.awaitLineContaining("services started", TIMING.startBudget())).as(host.output()).isPresent();
        host.sigterm();
        assertThat(host.awaitExit(TIMING.startBudget())).as(host.output()).contains(0);
    }

    private HostProcess start(String... args) {
        HostProcess host = HostProcess.start(image, List.of(args));
        started.add(host);
        return host;
    }
}
