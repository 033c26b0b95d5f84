package org.vvmhost.services.world.authority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Term;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.time.ManualClock;

/**
 * Closing the grants waits for the grants sent to etcd, at most the timeout on the clock, and names those left; a
 * grant waiting to be tried again settles at once. The authority is a fake whose grants the test answers (the real
 * one is tested against etcd in {@code SimulatorAuthorityOnEtcdTest} and {@code AreaGrantsOnEtcdTest}).
 */
class TermGrantsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SERVER = "10.0.0.7:7070";

    private static final List<SimulatorRegistration> REGISTERED = List.of(new SimulatorRegistration("sim-1", SERVER,
            List.of("physics"), 8, "host", 1));

    /**
     * Registers one process at {@link #SERVER}, answering each read at once unless reads are held (then the test
     * answers them); each grant is a future the test completes.
     */
    private static final class FakeAuthority implements SimulatorAuthority {
        final LinkedBlockingQueue<CompletableFuture<AuthorityGrant>> grants = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<CompletableFuture<List<SimulatorRegistration>>> heldReads =
                new LinkedBlockingQueue<>();
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean holdReads;

        @Override
        public CompletableFuture<List<SimulatorRegistration>> simulators() {
            reads.incrementAndGet();
            if (!holdReads) {
                return CompletableFuture.completedFuture(REGISTERED);
            }
            CompletableFuture<List<SimulatorRegistration>> read = new CompletableFuture<>();
            heldReads.add(read);
            return read;
        }

        @Override
        public CompletableFuture<Optional<AuthorityGrant>> holder(String set, int area) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<AuthorityGrant> grant(Term term, String set, int area, String simulator) {
            CompletableFuture<AuthorityGrant> grant = new CompletableFuture<>();
            grants.add(grant);
            return grant;
        }

        @Override
        public CompletableFuture<AuthorityGrant> grant(Term term, AuthorityGrant grant) {
            throw new UnsupportedOperationException();
        }
    }

    private final ManualClock clock = new ManualClock();
    private final FakeAuthority authority = new FakeAuthority();
    private final LinkedBlockingQueue<RuntimeException> deposed = new LinkedBlockingQueue<>();
    private final LogCapture log = new LogCapture(TermGrants.class);
    // The fake authority never reads the term.
    private final TermGrants grants = new TermGrants(authority, null, clock, TIMEOUT, Duration.ofSeconds(1),
            deposed::add);

    @AfterEach
    void tearDown() {
        log.close();
        assertThat(deposed).isEmpty();
    }

    private CompletableFuture<AuthorityGrant> sent() throws InterruptedException {
        CompletableFuture<AuthorityGrant> grant = authority.grants.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(grant).as("a grant sent to the authority").isNotNull();
        return grant;
    }

    /** Closes on another thread and returns once the close waits on the clock (its bound is scheduled). */
    private CompletableFuture<Void> closing() {
        int before = clock.pendingTasks();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(grants::close);
        await().atMost(WAIT).until(() -> clock.pendingTasks() > before);
        return closed;
    }

    @Test
    void closeReturnsOnlyOnceTheGrantInFlightIsAnswered() throws Exception {
        grants.activeOn("physics", 0, SERVER);
        CompletableFuture<AuthorityGrant> grant = sent();

        CompletableFuture<Void> closed = closing();
        assertThat(closed).as("close waits for the grant sent").isNotDone();
        grant.complete(new AuthorityGrant("physics", 0, "sim-1", 1));

        closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(log.messages(Level.WARN)).isEmpty();
        grants.activeOn("physics", 1, SERVER);
        assertThat(authority.grants).as("nothing is sent after close").isEmpty();
    }

    @Test
    void closeGivesUpAtItsTimeoutOnTheClockAndNamesTheGrantsLeft() throws Exception {
        grants.activeOn("physics", 0, SERVER);
        sent();

        CompletableFuture<Void> closed = closing();
        clock.advance(TIMEOUT.minusMillis(1));
        assertThat(closed).isNotDone();
        clock.advance(Duration.ofMillis(1));

        closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(log.messages(Level.WARN)).anyMatch(line -> line.startsWith("closed with grants still being "
                + "written, not awaited past 5s") && line.contains("physics area 0 on " + SERVER));
    }

    @Test
    void aGrantWaitingToBeTriedAgainSettlesAtOnceOnClose() throws Exception {
        grants.activeOn("physics", 0, SERVER);
        sent().completeExceptionally(new IllegalStateException("the epoch changed meanwhile"));
        assertThat(clock.pendingDelays()).as("the retry is scheduled").contains(Duration.ofSeconds(1));

        grants.close();

        assertThat(clock.pendingTasks()).as("no retry, no bound left on the clock").isZero();
        assertThat(authority.grants).as("the retry sent nothing").isEmpty();
        assertThat(log.messages(Level.WARN)).noneMatch(line -> line.startsWith("closed with grants"));
    }

    @Test
    void grantsAskedForWhileTheRegistrationsAreReadShareThatRead() {
        authority.holdReads = true;
        grants.activeOn("physics", 0, SERVER);
        grants.activeOn("physics", 1, SERVER);
        grants.activeOn("physics", 2, SERVER);
        assertThat(authority.reads).as("one read for the three").hasValue(1);
        assertThat(authority.grants).isEmpty();

        authority.heldReads.remove().complete(REGISTERED);
        assertThat(authority.grants).as("each area granted after the shared read").hasSize(3);

        grants.activeOn("physics", 3, SERVER);
        assertThat(authority.reads).as("a read answered is not reused").hasValue(2);
    }

    @Test
    void aSharedReadWithoutTheProcessIsReadAgainBeforeTheGrantIsGivenUp() {
        authority.holdReads = true;
        grants.activeOn("physics", 0, SERVER);
        authority.holdReads = false;

        // The read began before the process registered.
        authority.heldReads.remove().complete(List.of());

        assertThat(authority.reads).hasValue(2);
        assertThat(authority.grants).as("granted after the second read").hasSize(1);
        assertThat(log.messages(Level.WARN)).isEmpty();
    }
}
