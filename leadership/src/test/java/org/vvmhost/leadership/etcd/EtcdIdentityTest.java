package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vvmhost.leadership.Term.Status;
import org.vvmhost.time.ManualClock;

/** How answers from etcd reveal a broken history: the pure judgement, then what a break does to claims. */
class EtcdIdentityTest {

    private static final long CLUSTER = 0xc1L;
    private static final long M1 = 0x11L;
    private static final long M2 = 0x22L;
    private static final Duration DEADLINE = Duration.ofSeconds(6);
    /** Known when the request was sent: member 1 at revision 100, member 2 at 90, linearizable answers up to 100. */
    private static final EtcdIdentity.Known SENT = new EtcdIdentity.Known(0, CLUSTER, Map.of(M1, 100L, M2, 90L), 100);

    private final ManualClock clock = new ManualClock();
    private final EtcdIdentity identity = new EtcdIdentity(clock);

    @ParameterizedTest(name = "cluster {0}, member {1}, revision {2}, linearizable {3} -> broken {4}")
    @CsvSource({
        // The same history, moving on or standing still.
        "c1, 11, 100, true, false",
        "c1, 11, 150, false, false",
        "c1, 22, 95, false, false",
        // A member that applies a little behind the one that answered before: not linearizable, not a break.
        "c1, 22, 98, false, false",
        // A member never heard from, answering a keepalive from behind: nothing to compare with.
        "c1, 33, 10, false, false",
        // Another cluster.
        "c2, 11, 200, true, true",
        "c2, 33, 1, false, true",
        // The same member, gone back: wiped with the same configuration, or restored.
        "c1, 11, 99, false, true",
        "c1, 22, 3, false, true",
        // A linearizable answer below what a linearizable answer showed before, from any member.
        "c1, 33, 99, true, true",
        "c1, 22, 95, true, true",
    })
    void judgesAnAnswerAgainstWhatWasKnownWhenItsRequestWasSent(String cluster, String member, long revision,
            boolean linearizable, boolean broken) {
        Optional<String> verdict = EtcdIdentity.judge(SENT, Long.parseLong(cluster, 16), Long.parseLong(member, 16),
                revision, linearizable);

        assertThat(verdict.isPresent()).isEqualTo(broken);
    }

    @Test
    void aFirstAnswerIsNeverABreak() {
        assertThat(EtcdIdentity.judge(EtcdIdentity.Known.NOTHING, CLUSTER, M1, 1, true)).isEmpty();
    }

    @Test
    void aBreakLosesEveryClaimAtOnceAndCostsTheLockDelay() {
        LeaseGuard claim = guard("vvmhost/1");
        identity.observe(identity.mark(), header(CLUSTER, M1, 5000), true);
        identity.watch(claim);

        EtcdIdentity.Known sent = identity.mark();
        clock.advance(Duration.ofSeconds(1));
        identity.observe(sent, header(CLUSTER, M1, 3), false);

        assertThat(claim.status()).isEqualTo(Status.LOST);
        assertThat(claim.lost().join().getMessage()).contains("etcd's history broke")
                .contains("answered at revision 3, below revision 5000");
        Optional<EtcdIdentity.LockDelay> owed = identity.lockDelay(DEADLINE);
        assertThat(owed).hasValueSatisfying(delay -> assertThat(delay.remaining()).isEqualTo(DEADLINE));
        clock.advance(DEADLINE.minusMillis(1));
        assertThat(identity.lockDelay(DEADLINE)).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(identity.lockDelay(DEADLINE)).as("owed from when the break was seen, for the deadline").isEmpty();
    }

    @Test
    void answersArrivingOutOfOrderAreNoBreak() {
        identity.observe(identity.mark(), header(CLUSTER, M1, 10), true);
        EtcdIdentity.Known keepaliveSent = identity.mark();
        EtcdIdentity.Known writeSent = identity.mark();
        // The write's answer arrives first, the keepalive's (older) after it.
        identity.observe(writeSent, header(CLUSTER, M1, 12), true);
        identity.observe(keepaliveSent, header(CLUSTER, M1, 11), false);

        assertThat(identity.lockDelay(DEADLINE)).isEmpty();
    }

    @Test
    void anAnswerToARequestSentBeforeTheLatestBreakIsNeitherJudgedNorLearnedFrom() {
        identity.observe(identity.mark(), header(CLUSTER, M1, 5000), true);
        EtcdIdentity.Known beforeTheWipe = identity.mark();
        identity.observe(identity.mark(), header(CLUSTER, M1, 2), true);
        clock.advance(DEADLINE);
        LeaseGuard claim = guard("vvmhost/2");
        identity.watch(claim);

        // An answer from the old history, late; then the new history moves on from where it is.
        identity.observe(beforeTheWipe, header(CLUSTER, M1, 5001), true);
        identity.observe(identity.mark(), header(CLUSTER, M1, 4), true);

        assertThat(claim.status()).as("a claim of the new history stands").isEqualTo(Status.LEADING);
        assertThat(identity.lockDelay(DEADLINE)).isEmpty();
    }

    @Test
    void aNewIncarnationFoundWithoutABreakCostsTheLockDelayAndMakesKnownEpochsStale() {
        identity.noteEpoch(3);
        assertThat(identity.decideEpoch(OptionalLong.of(3), 0).bump()).isFalse();

        identity.newIncarnation("the election's data holds no fencing epoch");

        assertThat(identity.lockDelay(DEADLINE)).hasValueSatisfying(delay -> assertThat(delay.describe(DEADLINE))
                .isEqualTo("the election's data holds no fencing epoch: waiting 6s (the renew deadline, 6s, from "
                        + "when this was seen) before leading, so that a leader that has not noticed has certainly "
                        + "stopped"));
        assertThat(identity.decideEpoch(OptionalLong.of(3), 0).epoch()).as("epoch 3 is stale now").isEqualTo(4);
        assertThat(identity.decideEpoch(OptionalLong.empty(), 7).epoch()).as("past what others remember")
                .isEqualTo(8);
    }

    private LeaseGuard guard(String key) {
        LeaseGuard guard = new LeaseGuard(clock, Duration.ofHours(1), clock.nanoTime(), key, status -> { });
        guard.start();
        return guard;
    }

    private static Response.Header header(long cluster, long member, long revision) {
        return new Response.Header() {
            @Override
            public long getClusterId() {
                return cluster;
            }

            @Override
            public long getMemberId() {
                return member;
            }

            @Override
            public long getRevision() {
                return revision;
            }

            @Override
            public long getRaftTerm() {
                return 2;
            }
        };
    }
}
