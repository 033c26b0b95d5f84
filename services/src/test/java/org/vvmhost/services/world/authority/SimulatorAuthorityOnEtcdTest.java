package org.vvmhost.services.world.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Registration;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.testing.EtcdCandidates;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/** Grants of (component set, area) to simulator processes, on a real etcd, as a third party reads them. */
class SimulatorAuthorityOnEtcdTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private final Duration budget = TestTiming.current().scaled(Duration.ofSeconds(20));
    private final EtcdCandidates candidates = new EtcdCandidates(etcd, "authority");

    @AfterEach
    void close() {
        candidates.close();
    }

    private Registration register(String id, String... sets) {
        SimulatorRegistration registration = new SimulatorRegistration(id, "127.0.0.1:7070", List.of(sets), 8,
                "test-host", ProcessHandle.current().pid());
        return EtcdLeaderships.register(EtcdSettings.of(etcd.endpoint().toString(), candidates.election(),
                LeaseSettings.ofTtl(Duration.ofSeconds(2))), registration.key(), registration.toJson(),
                candidates.clock());
    }

    private <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code etcdctl get --prefix <election>-data/authority/}: key → value. */
    private Map<String, String> grantsInEtcd() {
        String prefix = candidates.election() + "-data/authority/";
        return etcd.getPrefix(prefix).stream().collect(Collectors.toMap(
                kv -> EtcdExtension.text(kv.getKey()).substring(prefix.length()),
                kv -> EtcdExtension.text(kv.getValue())));
    }

    @Test
    void grantsGrowInEpochAndGoWithTheSimulatorsLease() throws Exception {
        Leadership leader = candidates.connect("leader");
        Term term = get(leader.campaign().elected());
        SimulatorAuthority authority = SimulatorAuthority.on(leader.data());
        Registration a = register("sim-a", "physics", "vitality");
        Registration b = register("sim-b", "physics");

        assertThat(get(authority.simulators())).extracting(SimulatorRegistration::id).containsExactly("sim-a",
                "sim-b");
        assertThat(get(authority.grant(term, "physics", 3, "sim-a"))).isEqualTo(
                new AuthorityGrant("physics", 3, "sim-a", 1));
        assertThat(grantsInEtcd()).containsOnlyKeys("physics/3").extractingByKey("physics/3").asString()
                .contains("\"simulator\":\"sim-a\"", "\"epoch\":1");
        assertThat(get(authority.grant(term, "physics", 3, "sim-b")).epoch()).isEqualTo(2);
        get(authority.grant(term, "vitality", 0, "sim-a"));

        assertThatThrownBy(() -> get(authority.grant(term, new AuthorityGrant("physics", 3, "sim-a", 2))))
                .cause().isInstanceOf(AuthorityException.class).hasMessageContaining("stale epoch 2");
        assertThatThrownBy(() -> get(authority.grant(term, "vitality", 1, "sim-b")))
                .cause().isInstanceOf(AuthorityException.class).hasMessageContaining("simulates only [physics]");
        assertThat(get(authority.holder("physics", 3))).contains(new AuthorityGrant("physics", 3, "sim-b", 2));

        get(a.revoke());
        assertThat(grantsInEtcd()).containsOnlyKeys("physics/3");
        assertThatThrownBy(() -> get(authority.grant(term, "vitality", 0, "sim-a")))
                .cause().isInstanceOf(AuthorityException.class).hasMessageContaining("not registered");

        b.close(); // as a simulator that stops renewing: its lease expires, and its grant with it
        await().atMost(budget).until(() -> grantsInEtcd().isEmpty());
        get(authority.grant(term, "physics", 3, "sim-c").exceptionally(refused -> null));
        try (Registration c = register("sim-c", "physics")) {
            assertThat(get(authority.grant(term, "physics", 3, "sim-c")).epoch())
                    .as("epochs outlive the grants: the next is above every one issued").isEqualTo(3);
            get(c.revoke());
        }
        get(term.release());
    }

    @Test
    void aDeposedLeadersGrantIsFencedOff() throws Exception {
        EtcdCandidates.Succession succession = candidates.succession(budget);
        Leadership first = succession.first();
        Term deposed = succession.deposed();
        Leadership second = succession.second();
        Term current = succession.current();
        try (Registration a = register("sim-a", "physics")) {
            assertThatThrownBy(() -> get(SimulatorAuthority.on(first.data()).grant(deposed, "physics", 0, "sim-a")))
                    .cause().isInstanceOf(FencedWriteRejectedException.class);
            assertThat(grantsInEtcd()).isEmpty();
            assertThat(get(SimulatorAuthority.on(second.data()).grant(current, "physics", 0, "sim-a")).epoch())
                    .isEqualTo(1);
            get(a.revoke());
        }
        get(current.release());
    }

    @Test
    void anEpochIsTheProposedOneIfAboveTheLastIssued() {
        assertThat(ElectionAuthority.nextEpoch(OptionalLong.empty(), OptionalLong.empty())).hasValue(1);
        assertThat(ElectionAuthority.nextEpoch(OptionalLong.of(4), OptionalLong.empty())).hasValue(5);
        assertThat(ElectionAuthority.nextEpoch(OptionalLong.of(4), OptionalLong.of(9))).hasValue(9);
        assertThat(ElectionAuthority.nextEpoch(OptionalLong.of(4), OptionalLong.of(4))).isEmpty();
        assertThat(ElectionAuthority.nextEpoch(OptionalLong.empty(), OptionalLong.of(0))).isEmpty();
    }
}
