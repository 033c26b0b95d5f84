package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vvmhost.leadership.Term.Status;
import org.vvmhost.time.ManualClock;

class LeaseGuardTest {

    private static final Duration DEADLINE = Duration.ofMillis(1333);

    private final ManualClock clock = new ManualClock();
    private final List<Status> changes = new CopyOnWriteArrayList<>();
    private LeaseGuard guard;

    @BeforeEach
    void armed() {
        guard = new LeaseGuard(clock, DEADLINE, clock.nanoTime(), "election/1", changes::add);
        guard.start();
    }

    @Test
    void losesAtTheRenewDeadlineWithoutARenewal() {
        clock.advance(DEADLINE.minusMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LEADING);
        assertThat(guard.lost()).isNotDone();

        clock.advance(Duration.ofMillis(1));

        assertThat(guard.status()).isEqualTo(Status.LOST);
        assertThat(guard.lost().join().getMessage()).contains("renew deadline").contains("election/1");
        assertThat(changes).containsExactly(Status.LOST);
    }

    @Test
    void eachRenewalMovesTheDeadline() {
        for (int i = 0; i < 10; i++) {
            clock.advance(DEADLINE.minusMillis(100));
            guard.renewed(clock.nanoTime());
        }
        assertThat(guard.status()).isEqualTo(Status.LEADING);

        clock.advance(DEADLINE.minusMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LEADING);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LOST);
        assertThat(clock.pendingTasks()).as("no deadline check left behind").isZero();
    }

    @Test
    void theSlackIsTheTimeLeftBeforeTheRenewDeadlineWhileTheClaimStands() {
        clock.advance(Duration.ofMillis(333));
        assertThat(guard.slack()).contains(Duration.ofMillis(1000));
        guard.renewed(clock.nanoTime() - Duration.ofMillis(100).toNanos());
        assertThat(guard.slack()).as("from the renewal's send time").contains(Duration.ofMillis(1233));

        guard.on(LeaseGuard.Event.RENEWAL_FAILED, "UNAVAILABLE");
        clock.advance(Duration.ofMillis(1000));
        assertThat(guard.slack()).as("suspended, still standing").contains(Duration.ofMillis(233));
        clock.advance(Duration.ofMillis(233));
        assertThat(guard.slack()).as("lost").isEmpty();
    }

    @Test
    void aFailedRenewalSuspendsUntilTheNextSuccess() {
        guard.on(LeaseGuard.Event.RENEWAL_FAILED, "UNAVAILABLE");
        assertThat(guard.status()).isEqualTo(Status.SUSPENDED);

        clock.advance(Duration.ofMillis(500));
        guard.renewed(clock.nanoTime());

        assertThat(guard.status()).isEqualTo(Status.LEADING);
        assertThat(changes).containsExactly(Status.SUSPENDED, Status.LEADING);
    }

    @Test
    void suspensionEndsInLossAtTheDeadline() {
        guard.on(LeaseGuard.Event.RENEWAL_FAILED, "UNAVAILABLE");
        guard.on(LeaseGuard.Event.WATCH_FAILED, "UNAVAILABLE");

        clock.advance(DEADLINE);

        assertThat(guard.status()).isEqualTo(Status.LOST);
        assertThat(changes).containsExactly(Status.SUSPENDED, Status.LOST);
    }

    @Test
    void aRenewalArrivingAfterTheDeadlineDoesNotRevive() {
        // The reply is processed before the deadline task runs: the check on the reply itself must catch it.
        LeaseGuard late = new LeaseGuard(clock, DEADLINE, clock.nanoTime(), "election/2", changes::add);
        clock.advance(DEADLINE);

        late.renewed(clock.nanoTime());

        assertThat(late.status()).isEqualTo(Status.LOST);
        assertThat(late.lost().join().getMessage()).contains("renew deadline");
    }

    @Test
    void theDeadlineRunsFromWhenTheRenewalWasSentNotFromItsReply() {
        clock.advance(Duration.ofMillis(300));
        long sent = clock.nanoTime();
        clock.advance(Duration.ofMillis(400));

        guard.renewed(sent);

        clock.advance(DEADLINE.minusMillis(401));
        assertThat(guard.status()).isEqualTo(Status.LEADING);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.status()).as("lost at send time + deadline").isEqualTo(Status.LOST);
    }

    @Test
    void aLateReplyToAnOlderRequestDoesNotMoveTheDeadlineBack() {
        long older = clock.nanoTime();
        clock.advance(Duration.ofMillis(500));
        guard.renewed(clock.nanoTime());

        guard.renewed(older);

        clock.advance(DEADLINE.minusMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LEADING);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LOST);
    }

    @Test
    void aRenewalWithoutItsSendTimeIsRefused() {
        assertThatThrownBy(() -> guard.on(LeaseGuard.Event.RENEWED, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = LeaseGuard.Event.class,
            names = {"LEASE_GONE", "KEY_DELETED", "WATCH_ENDED", "DEADLINE_PASSED", "HISTORY_BROKEN", "CLOSED"})
    void certainLossEndsTheClaimAtOnce(LeaseGuard.Event event) {
        guard.on(event, "detail");

        assertThat(guard.status()).isEqualTo(Status.LOST);
        assertThat(guard.lost().join().getMessage()).contains("detail");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void lossIsFinalAndReportedOnce() {
        guard.on(LeaseGuard.Event.KEY_DELETED, "first");
        guard.renewed(clock.nanoTime());
        guard.on(LeaseGuard.Event.LEASE_GONE, "second");

        assertThat(guard.status()).isEqualTo(Status.LOST);
        assertThat(guard.lost().join().getMessage()).contains("first").doesNotContain("second");
        assertThat(changes).containsExactly(Status.LOST);
        assertThat(guard.release()).isFalse();
    }

    @Test
    void releaseIsFinalAndLossNeverFollows() {
        assertThat(guard.release()).isTrue();
        guard.on(LeaseGuard.Event.LEASE_GONE, null);
        clock.advance(DEADLINE.multipliedBy(3));

        assertThat(guard.status()).isEqualTo(Status.RELEASED);
        assertThat(guard.lost()).isNotDone();
        assertThat(guard.release()).isFalse();
        assertThat(changes).containsExactly(Status.RELEASED);
    }

    @ParameterizedTest
    @EnumSource(LeaseGuard.Event.class)
    void thePolicyKeepsFinalStatesFinal(LeaseGuard.Event event) {
        assertThat(LeaseGuard.nextStatus(Status.LOST, event)).isEqualTo(Status.LOST);
        assertThat(LeaseGuard.nextStatus(Status.RELEASED, event)).isEqualTo(Status.RELEASED);
    }
}
