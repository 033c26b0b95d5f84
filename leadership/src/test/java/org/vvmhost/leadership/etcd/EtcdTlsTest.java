package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import ch.qos.logback.classic.Level;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.Term;
import org.vvmhost.testing.EtcdConfig;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.testing.TestCertificates;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/**
 * etcd over TLS with a test CA. A certificate this replica cannot trust is an access refusal at once, naming the
 * certificate's subject and why; gRPC itself only says "Network closed for unknown reason", forever.
 */
class EtcdTlsTest {

    private static final TestCertificates CERTS = TestCertificates.generate();

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension(EtcdConfig.defaults()
            .withTls(CERTS.serverCert(), CERTS.serverKey()));

    /** Serves a certificate issued for etcd.example only. */
    @RegisterExtension
    static final EtcdExtension ELSEWHERE = new EtcdExtension(EtcdConfig.defaults()
            .withTls(CERTS.elsewhereCert(), CERTS.elsewhereKey()));

    private static final long BUDGET_MS = TestTiming.current().eventBudget().toMillis();
    private static SystemClock clock;

    @BeforeAll
    static void startClock() {
        clock = SystemClock.create("etcd-tls-clock");
    }

    @AfterAll
    static void stopClock() {
        clock.close();
    }

    private static EtcdSettings settings(URI endpoint, Optional<Path> ca) {
        return EtcdTestSupport.settings(endpoint, EtcdTestSupport.freshElection("tls"))
                .withTls(new EtcdSettings.Tls(ca, Optional.empty(), Optional.empty()));
    }

    private static String untrusted(URI endpoint, String reason) {
        return "TLS: etcd's certificate at " + endpoint + " (subject " + TestCertificates.SERVER_SUBJECT
                + ") is not trusted: " + reason;
    }

    @Test
    void withoutTheCaTheCertificateIsRefusedAsOfAnUnknownIssuer() {
        EtcdSettings noTlsOptions = new EtcdSettings(List.of(ETCD.endpoint()), EtcdTestSupport.freshElection("tls"),
                EtcdTestSupport.LEASE, Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> EtcdLeaderships.status(noTlsOptions))
                .isInstanceOf(LeadershipAccessException.class)
                .hasMessage(untrusted(ETCD.endpoint(), "unknown issuer (no CA this replica trusts signed it)"))
                .as("TLS was negotiated with the JVM's trust store, not plaintext spoken to a TLS port")
                .hasCauseInstanceOf(LeadershipAccessException.class)
                .cause().hasMessageContaining("TLS handshake with etcd failed");
    }

    @Test
    void withAnotherCaTheCertificateIsRefusedAsOfAnUnknownIssuer() {
        assertThatThrownBy(() -> EtcdLeaderships.status(settings(ETCD.endpoint(), Optional.of(CERTS.otherCa()))))
                .isInstanceOf(LeadershipAccessException.class)
                .hasMessage(untrusted(ETCD.endpoint(), "unknown issuer (no CA this replica trusts signed it)"));
    }

    @Test
    void aCertificateForAnotherHostIsRefusedAsAHostnameMismatch() {
        assertThatThrownBy(() -> EtcdLeaderships.status(settings(ELSEWHERE.endpoint(), Optional.of(CERTS.ca()))))
                .isInstanceOf(LeadershipAccessException.class)
                .hasMessage(untrusted(ELSEWHERE.endpoint(), "hostname mismatch (it is not issued for 127.0.0.1)"));
    }

    @Test
    void aCampaignEndsAtOnceWithOneErrorInsteadOfRetryingForever() {
        try (Leadership leadership = EtcdLeaderships.connect(settings(ETCD.endpoint(), Optional.empty()),
                candidate("a"), clock);
                LogCapture log = new LogCapture(EtcdCampaign.class)) {
            Campaign campaign = leadership.campaign();

            assertThatThrownBy(() -> campaign.elected().get(BUDGET_MS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(LeadershipAccessException.class)
                    .hasMessageContaining("unknown issuer");
            assertThat(log.at(Level.ERROR)).hasSize(1)
                    .allSatisfy(event -> assertThat(event.getThrowableProxy()).as("no stack trace").isNull());
        }
    }

    @Test
    void withTheRightCaItLeads() throws Exception {
        try (Leadership leadership = EtcdLeaderships.connect(settings(ETCD.endpoint(), Optional.of(CERTS.ca())),
                candidate("a"), clock)) {
            Term term = leadership.campaign().elected().get(BUDGET_MS, TimeUnit.MILLISECONDS);
            assertThat(term.status()).isEqualTo(Term.Status.LEADING);
            term.write(List.of()).get(BUDGET_MS, TimeUnit.MILLISECONDS);
            term.release().get(BUDGET_MS, TimeUnit.MILLISECONDS);
        }
    }
}
