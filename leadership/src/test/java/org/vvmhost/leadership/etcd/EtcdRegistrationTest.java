package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Registration;
import org.vvmhost.leadership.RegistrationConflictException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteConditionFailedException;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.testing.EtcdCandidates;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/** A registration on a real etcd, and a leader's writes bound to it or conditioned on a stored value. */
class EtcdRegistrationTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private final Duration budget = TestTiming.current().scaled(Duration.ofSeconds(20));
    private final EtcdCandidates candidates = new EtcdCandidates(etcd, "registration");

    @AfterEach
    void close() {
        candidates.close();
    }

    private Registration register(String key) {
        return EtcdLeaderships.register(EtcdSettings.of(etcd.endpoint().toString(), candidates.election(),
                LeaseSettings.ofTtl(Duration.ofSeconds(2))), key, key.getBytes(StandardCharsets.UTF_8),
                candidates.clock());
    }

    private Term lead() throws Exception {
        return candidates.connect("leader").campaign().elected().get(budget.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Optional<String> stored(String key) {
        return etcd.get(candidates.election() + "-data/" + key).map(kv -> EtcdExtension.text(kv.getValue()));
    }

    @Test
    void aKeyBoundToARegistrationGoesWithItsLease() throws Exception {
        Term term = lead();
        try (Registration member = register("members/a")) {
            assertThat(stored("members/a")).contains("members/a");
            assertThatThrownBy(() -> register("members/a")).isInstanceOf(RegistrationConflictException.class)
                    .hasMessageContaining("registered already");

            term.write(List.of(WriteOp.putBound("bound/a", "x".getBytes(StandardCharsets.UTF_8), "members/a")))
                    .get(budget.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(stored("bound/a")).contains("x");

            member.revoke().get(budget.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(member.status()).isEqualTo(Term.Status.RELEASED);
            assertThat(stored("members/a")).isEmpty();
            assertThat(stored("bound/a")).isEmpty();
        }
        assertThatThrownBy(() -> term.write(List.of(WriteOp.putBound("bound/a", new byte[1], "members/a")))
                .get(budget.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(WriteConditionFailedException.class)
                .hasMessageContaining("'members/a'").hasMessageContaining("does not exist");
    }

    @Test
    void aRegistrationWhoseLeaseIsRevokedElsewhereIsLost() throws Exception {
        try (Registration member = register("members/b")) {
            etcd.revokeLease(Long.parseUnsignedLong(member.lease(), 16));
            assertThat(member.lost().get(budget.toMillis(), TimeUnit.MILLISECONDS).getMessage())
                    .contains("members/b");
            assertThat(member.status()).isEqualTo(Term.Status.LOST);
        }
    }
}
