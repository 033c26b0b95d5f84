package org.vvmhost.leadership.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipContract;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.ManualClock;

class InMemoryLeadershipTest extends LeadershipContract {

    private static final LeaseSettings LEASE = LeaseSettings.ofTtl(Duration.ofSeconds(5));

    private ManualClock clock;
    private InMemoryElection election;

    @BeforeEach
    void newElection() {
        clock = new ManualClock();
        election = InMemoryElection.create(clock, LEASE);
    }

    @Override
    protected Leadership join(Candidate candidate) {
        return election.join(candidate);
    }

    @Override
    protected boolean revoke(String candidateId) {
        return election.revoke(candidateId);
    }

    @Override
    protected void awaitLeaseExpiry() {
        clock.advance(LEASE.ttl());
    }

    @Override
    protected void awaitIntentExpiry(Duration validFor) {
        clock.advance(validFor);
    }

    @Test
    void aSwitchoverIntentLivesExactlyItsValidityOnTheElectionsClock() {
        Leadership a = candidate("a");
        Term term = await(a.campaign().elected());
        Campaign b = candidate("b").campaign();
        Campaign c = candidate("c").campaign();
        await(term.nameSuccessor("c", Duration.ofSeconds(5)));

        clock.advance(Duration.ofSeconds(5).minusMillis(1));
        assertThat(await(a.data().get(DataStore.SWITCHOVER_KEY))).as("still live").isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(await(a.data().get(DataStore.SWITCHOVER_KEY))).as("stale: gone").isEmpty();

        await(term.release());
        assertThat(b.elected()).as("the line as if no switchover had been asked for").isCompleted();
        assertThat(c.elected()).isNotDone();
    }

    @Test
    void abandonedLeaseHoldsLeadershipUntilTheLastMillisecondOfItsTtl() {
        Leadership a = candidate("a");
        Term abandoned = await(a.campaign().elected());
        Campaign successor = candidate("b").campaign();

        a.close();
        clock.advance(LEASE.ttl().minusMillis(1));
        assertThat(successor.elected()).isNotDone();
        assertThat(abandoned.lost()).isNotDone();

        clock.advance(Duration.ofMillis(1));
        assertThat(successor.elected()).isCompleted();
        assertThat(abandoned.lost()).isCompletedWithValueMatching(e -> e.getMessage().contains("expired"));
    }

    @Test
    void openLeadershipKeepsItsLeaseAlivePastTheTtl() {
        Term term = await(candidate("a").campaign().elected());
        clock.advance(LEASE.ttl().multipliedBy(10));
        assertThat(term.status()).isEqualTo(Term.Status.LEADING);
        assertThat(term.lost()).isNotDone();
    }

    @Test
    void aRevokedStandbyReentersBehindTheOtherStandbys() {
        Term first = await(candidate("a").campaign().elected());
        Campaign second = candidate("b").campaign();
        Campaign third = candidate("c").campaign();

        assertThat(revoke("b")).isTrue();
        await(first.release());

        assertThat(third.elected()).as("c was ahead of b's fresh candidacy").isCompleted();
        assertThat(second.elected()).isNotDone();
        await(await(third.elected()).release());
        assertThat(await(second.elected()).status()).isEqualTo(Term.Status.LEADING);
    }

    @Test
    void aCampaignOfAClosedLeadershipFailsWhenItsLeaseExpires() {
        await(candidate("a").campaign().elected());
        Leadership b = candidate("b");
        Campaign abandoned = b.campaign();

        b.close();
        clock.advance(LEASE.ttl());

        assertThat(abandoned.elected()).isCompletedExceptionally();
        assertThat(abandoned.elected().handle((t, e) -> e.getCause() != null ? e.getCause() : e).join())
                .isInstanceOf(LeadershipLostException.class);
    }

    @Test
    void leaderKeysAreEtcdStyleLeaseKeysUnderTheElectionsName() {
        Leadership named = InMemoryElection.create("world-1", clock, LEASE).join(new Candidate("a", "test-host", 1,
                clock.instant()));
        try {
            Term term = await(named.campaign().elected());
            assertThat(term.leaderKey()).matches("world-1/[0-9a-f]+");
            assertThat(term.fencingToken()).isEqualTo(new FencingToken(1, term.fencingToken().revision()));
            assertThat(named.description()).isEqualTo("in-memory election 'world-1' (embedded, lease TTL 5s)");
        } finally {
            named.close();
        }
    }
}
