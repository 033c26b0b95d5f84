package org.vvmhost.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Leadership} implementation must meet; the same suite runs against each one. A
 * subclass supplies the election through four hooks. Each test method joins candidates of one fresh election.
 *
 * <p>Time-agnostic: the suite never sleeps. It waits for events with {@link #eventTimeout()}, and lets an abandoned
 * lease run out through {@link #awaitLeaseExpiry()}.
 */
public abstract class LeadershipContract {

    private final List<Leadership> joined = new ArrayList<>();

    /**
     * A Leadership for {@code candidate} in this test's election. Called several times per test; every call of one
     * test must join the same, initially empty election.
     */
    protected abstract Leadership join(Candidate candidate);

    /** Revokes the candidate's current lease from outside, as {@code etcdctl lease revoke} would. */
    protected abstract boolean revoke(String candidateId);

    /**
     * Lets the TTL of every lease abandoned so far (its Leadership closed without a release) pass: advance a
     * manual clock, or really wait.
     */
    protected abstract void awaitLeaseExpiry();

    /**
     * Returns once the candidate's campaign has entered the election (its key exists), so that a test knows the
     * order of the line. The in-memory election enters at once.
     */
    protected void awaitInLine(String candidateId) {
    }

    /** Lets {@code validFor} pass for a switchover intent written before, until the intent is gone from the store. */
    protected abstract void awaitIntentExpiry(Duration validFor);

    /** The generous budget for one awaited event. */
    protected Duration eventTimeout() {
        return Duration.ofSeconds(10);
    }

    @AfterEach
    void closeJoined() {
        for (Leadership leadership : joined) {
            leadership.close();
        }
    }

    protected final Leadership candidate(String id) {
        Leadership leadership = join(new Candidate(id, "test-host", ProcessHandle.current().pid(),
                Instant.parse("2026-01-01T00:00:00Z")));
        joined.add(leadership);
        return leadership;
    }

    protected final <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(eventTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the future failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no event within " + eventTimeout(), e);
        }
    }

    /** Awaits the one leader among {@code campaigns}; the others must still be waiting. */
    private int awaitSoleLeader(List<Campaign> campaigns) {
        CompletableFuture<Object> any = CompletableFuture.anyOf(
                campaigns.stream().map(Campaign::elected).toArray(CompletableFuture[]::new));
        await(any);
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < campaigns.size(); i++) {
            if (campaigns.get(i).elected().isDone()) {
                winners.add(i);
            }
        }
        assertThat(winners).as("candidates elected").hasSize(1);
        return winners.get(0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Optional<byte[]> value) {
        return value.map(b -> new String(b, StandardCharsets.UTF_8)).orElse("<none>");
    }

    @Test
    void electsExactlyOneOfTwo() {
        List<Campaign> campaigns = List.of(candidate("a").campaign(), candidate("b").campaign());
        int leader = awaitSoleLeader(campaigns);
        Term term = await(campaigns.get(leader).elected());
        assertThat(term.status()).isEqualTo(Term.Status.LEADING);
        assertThat(term.fencingToken().epoch()).isPositive();
        assertThat(term.fencingToken().revision()).isPositive();
        assertThat(term.leaderKey()).isNotBlank();
    }

    @Test
    void electsExactlyOneOfThree() {
        List<Campaign> campaigns = List.of(candidate("a").campaign(), candidate("b").campaign(),
                candidate("c").campaign());
        awaitSoleLeader(campaigns);
    }

    @Test
    void releasesHandLeadershipDownTheQueueOneCandidateAtATime() {
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            campaigns.add(candidate("c" + i).campaign());
        }
        FencingToken previous = null;
        for (int round = 0; round < campaigns.size(); round++) {
            List<Campaign> remaining = campaigns.subList(round, campaigns.size());
            int leader = awaitSoleLeader(remaining);
            Term term = await(remaining.get(leader).elected());
            if (previous != null) {
                assertThat(term.fencingToken()).isGreaterThan(previous);
            }
            previous = term.fencingToken();
            // Move the leader to the front, so that the waiting ones stay in the rest of the list.
            campaigns.add(round, campaigns.remove(round + leader));
            await(term.release());
        }
    }

    @Test
    void successorLeadsAfterRelease() {
        Campaign first = candidate("a").campaign();
        Term firstTerm = await(first.elected());
        Campaign second = candidate("b").campaign();
        assertThat(second.elected()).isNotDone();

        await(firstTerm.release());

        Term secondTerm = await(second.elected());
        assertThat(firstTerm.status()).isEqualTo(Term.Status.RELEASED);
        assertThat(firstTerm.lost()).as("lost never completes after a release").isNotDone();
        assertThat(secondTerm.fencingToken()).isGreaterThan(firstTerm.fencingToken());
        assertThat(secondTerm.leaderKey()).isNotEqualTo(firstTerm.leaderKey());
    }

    @Test
    void releaseIsIdempotent() {
        Term term = await(candidate("a").campaign().elected());
        await(term.release());
        await(term.release());
        assertThat(term.status()).isEqualTo(Term.Status.RELEASED);
    }

    @Test
    void cancelWhileWaitingWithdrawsTheCandidacy() {
        Term first = await(candidate("a").campaign().elected());
        Campaign second = candidate("b").campaign();
        Campaign third = candidate("c").campaign();

        await(second.cancel());
        assertThatThrownBy(() -> second.elected().get(eventTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(CancellationException.class);

        await(first.release());
        Term thirdTerm = await(third.elected());
        assertThat(thirdTerm.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void cancelAfterWinningReleasesTheTerm() {
        Campaign first = candidate("a").campaign();
        Term term = await(first.elected());
        Campaign second = candidate("b").campaign();

        await(first.cancel());

        assertThat(term.status()).isEqualTo(Term.Status.RELEASED);
        await(second.elected());
    }

    @Test
    void secondCampaignWhileTheFirstRunsIsRefused() {
        Leadership leadership = candidate("a");
        leadership.campaign();
        assertThatThrownBy(leadership::campaign).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void campaignsAgainAfterRelease() {
        Leadership leadership = candidate("a");
        Term first = await(leadership.campaign().elected());
        await(first.release());
        Term second = await(leadership.campaign().elected());
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void fencedWriteOfTheLeaderIsApplied() {
        Leadership a = candidate("a");
        Term term = await(a.campaign().elected());

        await(term.write(List.of(WriteOp.put("world/x", bytes("1")), WriteOp.put("world/y", bytes("2")))));

        assertThat(text(await(a.data().get("world/x")))).isEqualTo("1");
        assertThat(await(a.data().scan("world/")).keySet()).containsExactly("world/x", "world/y");
        assertThat(await(a.data().keys("world/"))).containsExactly("world/x", "world/y");
        assertThat(await(a.data().keys("world/y"))).containsExactly("world/y");
    }

    @Test
    void keysListsWithoutValuesAndARangeDeleteRemovesExactlyTheRange() {
        Leadership a = candidate("a");
        Term term = await(a.campaign().elected());
        await(term.write(List.of(WriteOp.put("journal/01/a", bytes("1")), WriteOp.put("journal/02/b", bytes("2")),
                WriteOp.put("journal/03/c", bytes("3")), WriteOp.put("journalx", bytes("4")))));

        assertThat(await(a.data().keys("journal/"))).containsExactly("journal/01/a", "journal/02/b", "journal/03/c");

        await(term.write(List.of(WriteOp.deleteRange("journal/", "journal/03"))));

        assertThat(await(a.data().keys("journal"))).containsExactly("journal/03/c", "journalx");
    }

    @Test
    void anExpectationThatDoesNotHoldRefusesTheWholeWrite() {
        Leadership a = candidate("a");
        Term term = await(a.campaign().elected());
        await(term.write(List.of(WriteOp.expect("counter", Optional.empty()), WriteOp.put("counter", bytes("1")))));

        CompletableFuture<Void> refused = term.write(List.of(WriteOp.expect("counter", Optional.empty()),
                WriteOp.put("counter", bytes("2")), WriteOp.put("other", bytes("2"))));
        assertThatThrownBy(() -> refused.get(eventTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .cause().isInstanceOf(WriteConditionFailedException.class).hasMessageContaining("'counter'");
        await(term.write(List.of(WriteOp.expect("counter", Optional.of(bytes("1"))),
                WriteOp.put("counter", bytes("3")))));

        assertThat(text(await(a.data().get("counter")))).isEqualTo("3");
        assertThat(await(a.data().get("other"))).isEmpty();
    }

    @Test
    void fencedWriteWithAStaleTokenIsRejectedAndWritesNothing() {
        Leadership a = candidate("a");
        Term stale = await(a.campaign().elected());
        await(stale.write(List.of(WriteOp.put("backup", bytes("from a")))));
        Campaign b = candidate("b").campaign();
        await(stale.release());
        Term current = await(b.elected());

        CompletableFuture<Void> rejected = stale.write(List.of(WriteOp.put("backup", bytes("stale")),
                WriteOp.put("other", bytes("stale"))));

        assertThatThrownBy(() -> rejected.get(eventTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(FencedWriteRejectedException.class,
                        e -> assertThat(e.fencingToken()).isEqualTo(stale.fencingToken()));
        assertThat(text(await(a.data().get("backup")))).isEqualTo("from a");
        assertThat(await(a.data().get("other"))).isEmpty();
        await(current.write(List.of(WriteOp.put("backup", bytes("from b")))));
        assertThat(text(await(a.data().get("backup")))).isEqualTo("from b");
    }

    @Test
    void revokedLeaseLosesTheTermWithAReason() {
        Term term = await(candidate("a").campaign().elected());
        Campaign successor = candidate("b").campaign();

        assertThat(revoke("a")).isTrue();

        LeadershipLostException reason = await(term.lost());
        assertThat(reason.getMessage()).isNotBlank();
        assertThat(term.status()).isEqualTo(Term.Status.LOST);
        assertThat(await(successor.elected()).fencingToken()).isGreaterThan(term.fencingToken());
        await(term.release());
        assertThat(term.status()).as("release after loss is a no-op").isEqualTo(Term.Status.LOST);
        assertThat(term.write(List.of(WriteOp.put("k", bytes("v"))))).isCompletedExceptionally();
    }

    @Test
    void aWaitingCandidateWhoseLeaseIsRevokedCampaignsOn() {
        Term first = await(candidate("a").campaign().elected());
        Campaign standby = candidate("b").campaign();
        // On etcd the standby's key appears asynchronously; revoke it once it exists.
        Awaitility.await("the standby's lease is revoked").atMost(eventTimeout())
                .pollInterval(Duration.ofMillis(20))
                .until(() -> revoke("b"));

        assertThat(standby.elected()).as("a standby stays a standby").isNotCompletedExceptionally();
        await(first.release());

        Term term = await(standby.elected());
        assertThat(term.status()).isEqualTo(Term.Status.LEADING);
        assertThat(term.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void revokeOfACandidateWithoutLeaseReturnsFalse() {
        assertThat(revoke("nobody")).isFalse();
        Term term = await(candidate("a").campaign().elected());
        await(term.release());
        assertThat(revoke("a")).isFalse();
        assertThat(term.lost()).isNotDone();
    }

    @Test
    void abandonedLeaseExpiresAndTheSuccessorLeads() {
        Leadership a = candidate("a");
        Term abandoned = await(a.campaign().elected());
        Campaign successor = candidate("b").campaign();

        a.close();
        assertThat(successor.elected()).as("an abandoned lease lives until its TTL").isNotDone();
        awaitLeaseExpiry();

        Term next = await(successor.elected());
        assertThat(next.fencingToken()).isGreaterThan(abandoned.fencingToken());
        assertThat(abandoned.write(List.of(WriteOp.put("k", bytes("zombie")))))
                .failsWithin(eventTimeout())
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(FencedWriteRejectedException.class);
    }

    @Test
    void fencingTokensGrowFromTermToTerm() {
        Leadership a = candidate("a");
        Leadership b = candidate("b");
        List<FencingToken> tokens = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (Leadership leadership : List.of(a, b)) {
                Term term = await(leadership.campaign().elected());
                tokens.add(term.fencingToken());
                await(term.release());
            }
        }
        assertThat(tokens).isSortedAccordingTo(FencingToken::compareTo).doesNotHaveDuplicates();
        assertThat(tokens).extracting(FencingToken::epoch).as("one incarnation of the data keeps one epoch")
                .containsOnly(tokens.get(0).epoch());
    }

    @Test
    void theEpochKeyHoldsTheTermsEpochAndNoTermMayTouchIt() {
        Leadership a = candidate("a");
        Term term = await(a.campaign().elected());

        assertThat(text(await(a.data().get(DataStore.EPOCH_KEY))))
                .isEqualTo(Long.toString(term.fencingToken().epoch()));
        for (WriteOp op : List.of(WriteOp.put(DataStore.EPOCH_KEY, bytes("99")), WriteOp.delete(DataStore.EPOCH_KEY),
                WriteOp.deletePrefix("ep"), WriteOp.deletePrefix(""), WriteOp.deleteRange("a", "f"))) {
            assertThatThrownBy(() -> term.write(List.of(WriteOp.put("k", bytes("v")), op)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + DataStore.EPOCH_KEY + "' holds the election's fencing epoch");
        }
        assertThat(await(a.data().get("k"))).as("nothing of a refused write").isEmpty();
    }

    /** Long enough that no intent of a test expires before the test is done with it. */
    private static final Duration INTENT = Duration.ofSeconds(60);

    private Optional<SwitchoverIntent> intent(Leadership reader) {
        return await(reader.data().get(DataStore.SWITCHOVER_KEY)).flatMap(SwitchoverIntent::parse);
    }

    /** A leader, and then candidates b and c waiting in this order. */
    private record Line(Leadership a, Term term, Campaign b, Campaign c) {
    }

    private Line aLeadsThenBAndCWait() {
        Leadership a = candidate("a");
        Term term = await(a.campaign().elected());
        Campaign b = candidate("b").campaign();
        awaitInLine("b");
        Campaign c = candidate("c").campaign();
        awaitInLine("c");
        return new Line(a, term, b, c);
    }

    @Test
    void aNamedSuccessorLeadsNextAheadOfTheLineAndClearsTheIntent() {
        Line line = aLeadsThenBAndCWait();

        await(line.term().nameSuccessor("c", INTENT));
        assertThat(intent(line.a())).hasValueSatisfying(intent -> {
            assertThat(intent.successor()).isEqualTo("c");
            assertThat(intent.from()).isEqualTo("a");
            assertThat(intent.fencingToken()).isEqualTo(line.term().fencingToken());
        });
        assertThat(line.term().status()).as("naming alone changes nothing else").isEqualTo(Term.Status.LEADING);
        await(line.term().release());

        Term successor = await(line.c().elected());
        assertThat(successor.fencingToken()).isGreaterThan(line.term().fencingToken());
        assertThat(line.b().elected()).as("b, first in line, gave way and waits behind c").isNotDone();
        assertThat(intent(line.a())).as("the successor cleared the intent").isEmpty();
        await(successor.release());
        assertThat(await(line.b().elected()).fencingToken()).isGreaterThan(successor.fencingToken());
    }

    @Test
    void namingACandidateNotInTheElectionIsRefusedAndChangesNothing() {
        Line line = aLeadsThenBAndCWait();
        Term term = line.term();

        assertThat(term.nameSuccessor("nobody", INTENT)).failsWithin(eventTimeout())
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(UnknownCandidateException.class)
                .withMessageContaining("no candidate 'nobody'");
        assertThatThrownBy(() -> term.nameSuccessor("a", INTENT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leads already");
        assertThatThrownBy(() -> term.nameSuccessor("c", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2s");
        assertThatThrownBy(() -> term.write(List.of(WriteOp.put(DataStore.SWITCHOVER_KEY, bytes("c")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("switchover intent");
        assertThat(intent(line.a())).isEmpty();
        assertThat(term.status()).isEqualTo(Term.Status.LEADING);

        await(term.release());
        assertThat(await(line.b().elected()).fencingToken()).as("the line as it was")
                .isGreaterThan(term.fencingToken());
        assertThat(term.nameSuccessor("c", INTENT)).as("a released term names no one").failsWithin(eventTimeout())
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(FencedWriteRejectedException.class);
    }

    @Test
    void anIntentWhoseSuccessorLeftTheElectionIsVoid() {
        Line line = aLeadsThenBAndCWait();
        await(line.term().nameSuccessor("c", INTENT));

        await(line.c().cancel());
        await(line.term().release());

        Term next = await(line.b().elected());
        assertThat(next.fencingToken()).isGreaterThan(line.term().fencingToken());
        assertThat(intent(line.a())).as("cleared by the candidate that led instead").isEmpty();
    }

    @Test
    void anIntentPastItsValidityDivertsNoOne() {
        Line line = aLeadsThenBAndCWait();
        Duration shortest = LeaseSettings.MINIMUM_TTL;
        await(line.term().nameSuccessor("c", shortest));

        awaitIntentExpiry(shortest);
        await(line.term().release());

        assertThat(await(line.b().elected()).fencingToken()).isGreaterThan(line.term().fencingToken());
        assertThat(line.c().elected()).isNotDone();
    }

    @Test
    void watchDeliversTheCurrentValueThenEveryChangeInOrder() throws InterruptedException {
        Leadership a = candidate("a");
        Term term = await(a.campaign().elected());
        await(term.write(List.of(WriteOp.put("area/1", bytes("v0")))));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();

        try (DataStore.Subscription ignored = a.data().watch("area/1", value -> events.add(text(value)))) {
            // The first delivery is the value read as the subscription began; every change after it follows.
            String first = events.poll(eventTimeout().toMillis(), TimeUnit.MILLISECONDS);
            assertThat(first).as("the current value").isEqualTo("v0");
            for (int i = 1; i <= 20; i++) {
                await(term.write(List.of(WriteOp.put("area/1", bytes("v" + i)))));
            }
            await(term.write(List.of(WriteOp.deletePrefix("area/"))));

            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                expected.add("v" + i);
            }
            expected.add("<none>");
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                String event = events.poll(eventTimeout().toMillis(), TimeUnit.MILLISECONDS);
                assertThat(event).as("event %d", i).isNotNull();
                seen.add(event);
            }
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void watchOfAnAbsentKeyStartsEmpty() throws InterruptedException {
        Leadership a = candidate("a");
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (DataStore.Subscription ignored = a.data().watch("absent", value -> events.add(text(value)))) {
            assertThat(events.poll(eventTimeout().toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("<none>");
        }
    }

    @Test
    void dataIsSharedAcrossCandidatesAndSeparateFromElectionKeys() {
        Leadership a = candidate("a");
        Leadership b = candidate("b");
        Term term = await(a.campaign().elected());
        b.campaign();

        await(term.write(List.of(WriteOp.put("snapshot", bytes("s1")))));

        assertThat(text(await(b.data().get("snapshot")))).isEqualTo("s1");
        assertThat(await(b.data().scan("")).keySet()).containsExactly(DataStore.EPOCH_KEY, "snapshot");
    }
}
