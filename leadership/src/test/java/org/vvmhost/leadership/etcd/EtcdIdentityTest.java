package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Response;
import java.time.Duration;
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
    private static final Duration DEADLINE = Duration.ofSeconds(6);
    /** Known when the request was sent: linearizable answers up to revision 100. */
    private static final EtcdIdentity.Known SENT = new EtcdIdentity.Known(0, CLUSTER, 100);

    private final ManualClock clock = new ManualClock();
    private final EtcdIdentity identity = new EtcdIdentity(clock);

    @ParameterizedTest(name = "cluster {0}, revision {1}, linearizable {2} -> broken {3}")
    @CsvSource({
        // The same history, moving on or standing still.
        "c1, 100, true, false",
        "c1, 150, true, false",
        "c1, 150, false, false",
        // Not linearizable (a keepalive, a watch event): a member that applies behind, or that restarted and
        // replays its log, shows an older revision without any break.
        "c1, 95, false, false",
        "c1, 3, false, false",
        // Another cluster, whatever the answer.
        "c2, 200, true, true",
        "c2, 1, false, true",
        // A linearizable answer below what one showed before: wiped with the same configuration, or restored.
        "c1, 99, true, true",
        "c1, 2, true, true",
    })
    void judgesAnAnswerAgainstWhatWasKnownWhenItsRequestWasSent(String cluster, long revision, boolean linearizable,
            boolean broken) {
        Optional<String> verdict = EtcdIdentity.judge(SENT, Long.parseLong(cluster, 16), revision, linearizable);

        assertThat(verdict.isPresent()).isEqualTo(broken);
    }

    @Test
    void aFirstAnswerIsNeverABreak() {
        assertThat(EtcdIdentity.judge(EtcdIdentity.Known.NOTHING, CLUSTER, 1, true)).isEmpty();
    }

    @Test
    void aBreakLosesEveryClaimAtOnceAndCostsTheLockDelay() {
        LeaseGuard claim = guard("vvmhost/1");
        identity.observe(identity.mark(), header(CLUSTER, M1, 5000), true);
        identity.watch(claim);

        EtcdIdentity.Known sent = identity.mark();
        clock.advance(Duration.ofSeconds(1));
        identity.observe(sent, header(CLUSTER, M1, 3), false);
        assertThat(claim.status()).as("a keepalive's revision is not judged").isEqualTo(Status.LEADING);
        identity.observe(sent, header(CLUSTER, M1, 3), true);

        assertThat(claim.status()).isEqualTo(Status.LOST);
        assertThat(claim.lost().join().getMessage()).contains("etcd's history broke")
                .contains("etcd answered at revision 3, below revision 5000 seen before");
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
        EtcdIdentity.Known readSent = identity.mark();
        EtcdIdentity.Known writeSent = identity.mark();
        // The write's answer arrives first, a read's (older) after it.
        identity.observe(writeSent, header(CLUSTER, M1, 12), true);
        identity.observe(readSent, header(CLUSTER, M1, 11), true);

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
