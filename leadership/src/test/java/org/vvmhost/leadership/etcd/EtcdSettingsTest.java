package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.LeaseSettings;

class EtcdSettingsTest {

    private static final LeaseSettings LEASE = LeaseSettings.ofTtl(Duration.ofSeconds(2));

    @Test
    void parsesACommaSeparatedListAndAddsTheScheme() {
        EtcdSettings settings = EtcdSettings.of(" http://a:2379, b:2380 ,", "vvm", LEASE);
        assertThat(settings.endpoints()).containsExactly(URI.create("http://a:2379"), URI.create("http://b:2380"));
    }

    @Test
    void aTtlBelowEtcdsMinimumIsRejectedWithTheReason() {
        assertThatThrownBy(() -> LeaseSettings.ofTtl(Duration.ofMillis(1999)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2s")
                .hasMessageContaining("1999ms");
        assertThatThrownBy(() -> LeaseSettings.ofTtl(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("etcd's minimum");
        assertThat(LeaseSettings.ofTtl(Duration.ofSeconds(2)).renewDeadline()).isEqualTo(Duration.ofNanos(1_333_333_333));
    }

    @Test
    void badEndpointsNameTheEndpointAndTheFix() {
        assertThatThrownBy(() -> EtcdSettings.of("", "vvm", LEASE))
                .hasMessageContaining("etcd endpoints").hasMessageContaining("http://host:2379");
        assertThatThrownBy(() -> EtcdSettings.of("ftp://a:21", "vvm", LEASE))
                .hasMessageContaining("'ftp://a:21'").hasMessageContaining("http://");
        assertThatThrownBy(() -> EtcdSettings.of("http://a", "vvm", LEASE))
                .hasMessageContaining("needs a host and a port");
        assertThatThrownBy(() -> EtcdSettings.of("http://a:2379,https://b:2379", "vvm", LEASE))
                .hasMessageContaining("mix of http and https");
        assertThatThrownBy(() -> EtcdSettings.of("http://a b:2379", "vvm", LEASE))
                .hasMessageContaining("is not a URL");
    }

    @Test
    void badElectionNamesAreRejected() {
        for (String election : List.of(" ", "/vvm", "vvm/", "vvm leader")) {
            assertThatThrownBy(() -> EtcdSettings.of("http://a:2379", election, LEASE))
                    .as(election)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("etcd election");
        }
    }

    @Test
    void tlsNeedsHttpsAndACompleteClientIdentity() {
        EtcdSettings plain = EtcdSettings.of("http://a:2379", "vvm", LEASE);
        EtcdSettings.Tls ca = new EtcdSettings.Tls(Optional.of(Path.of("ca.pem")), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> plain.withTls(ca)).hasMessageContaining("https://");
        assertThatThrownBy(() -> new EtcdSettings.Tls(Optional.empty(), Optional.of(Path.of("c.pem")),
                Optional.empty())).hasMessageContaining("certificate and the client key together");
    }

    @Test
    void anUnreadableTlsFileIsNamedBeforeAnyConnection() {
        EtcdSettings settings = EtcdSettings.of("https://a:2379", "vvm", LEASE).withTls(new EtcdSettings.Tls(
                Optional.of(Path.of("no-such-ca.pem")), Optional.empty(), Optional.empty()));
        assertThatThrownBy(() -> EtcdLeaderships.connect(settings, EtcdTestSupport.candidate("a"),
                new org.vvmhost.time.ManualClock()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CA file 'no-such-ca.pem'");
    }

    @Test
    void thePasswordStaysOutOfLogs() {
        assertThat(new EtcdSettings.Credentials("root", "s3cret").toString()).doesNotContain("s3cret");
    }

    @Test
    void dataKeysAreASiblingOfTheElectionNotAChild() {
        ElectionLayout layout = new ElectionLayout("vvm/leader");
        assertThat(layout.candidateKey(0x1f)).isEqualTo("vvm/leader/1f");
        assertThat(layout.dataKey("world/0")).isEqualTo("vvm/leader-data/world/0")
                .doesNotStartWith(layout.candidatePrefix());
    }
}
