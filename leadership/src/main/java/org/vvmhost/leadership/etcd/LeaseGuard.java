package org.vvmhost.leadership.etcd;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term.Status;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * Decides, from lease and key events, whether a candidacy (and then a term) still stands. It keeps the local
 * renew deadline on the injected monotonic clock: if no renewal succeeded within it, the claim is LOST, even if
 * the server has not expired the lease yet.
 *
 * <p>Thread-safe. Events arrive from gRPC threads and the clock's thread; the status listener and the
 * {@link #lost()} future run outside the lock.
 */
final class LeaseGuard {

    /** What can happen to a lease or its key. */
    enum Event {
        /** A keepalive reply with TTL above 0. */
        RENEWED,
        /** A keepalive failed for a reason that may pass (network, no etcd leader, timeout). */
        RENEWAL_FAILED,
        /** The server says the lease is gone: NOT_FOUND, or a keepalive reply with TTL 0 or less. */
        LEASE_GONE,
        /** The candidate's key was deleted. */
        KEY_DELETED,
        /** The watch of the key failed for a reason that may pass; jetcd resumes it. */
        WATCH_FAILED,
        /** The watch of the key ended for good, so a deletion could go unseen. */
        WATCH_ENDED,
        /** No renewal succeeded within the renew deadline. */
        DEADLINE_PASSED,
        /** etcd answered with another cluster id or a revision going back: it was wiped or restored. */
        HISTORY_BROKEN,
        /** The leadership object closed its client underneath a live claim. */
        CLOSED
    }

    /**
     * The policy "certain loss or an expired deadline ends the claim; doubt suspends it until the deadline".
     * Final states stay final.
     */
    static Status nextStatus(Status current, Event event) {
        if (current == Status.LOST || current == Status.RELEASED) {
            return current;
        }
        return switch (event) {
            case RENEWED -> Status.LEADING;
            case RENEWAL_FAILED, WATCH_FAILED -> Status.SUSPENDED;
            case LEASE_GONE, KEY_DELETED, WATCH_ENDED, DEADLINE_PASSED, HISTORY_BROKEN, CLOSED -> Status.LOST;
        };
    }

    private final Clock clock;
    private final long renewDeadlineNanos;
    private final String subject;
    private final Consumer<Status> statusListener;
    private final CompletableFuture<LeadershipLostException> lost = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();

    private Status status = Status.LEADING;
    private long lastRenewalNanos;
    private Clock.Scheduled deadlineCheck;

    /**
     * @param renewedAtNanos  a clock reading taken before the lease was granted, so the first deadline is early,
     *                        never late
     * @param subject         names the claim in loss reasons, for example the key
     * @param statusListener  told of every status change, outside the lock
     */
    LeaseGuard(Clock clock, Duration renewDeadline, long renewedAtNanos, String subject,
            Consumer<Status> statusListener) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.renewDeadlineNanos = renewDeadline.toNanos();
        this.subject = subject;
        this.statusListener = statusListener;
        this.lastRenewalNanos = renewedAtNanos;
    }

    /** Arms the deadline. Call once, after construction, so that no task sees a half-built guard. */
    void start() {
        lock.lock();
        try {
            scheduleDeadlineCheck();
        } finally {
            lock.unlock();
        }
    }

    Status status() {
        lock.lock();
        try {
            return status;
        } finally {
            lock.unlock();
        }
    }

    /** The time left before the renew deadline passes, while the claim stands; empty once it ended. */
    Optional<Duration> slack() {
        lock.lock();
        try {
            if (status == Status.LOST || status == Status.RELEASED) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(Math.max(0, lastRenewalNanos + renewDeadlineNanos - clock.nanoTime())));
        } finally {
            lock.unlock();
        }
    }

    /** Whether the claim is over: lost or released. */
    boolean ended() {
        Status now = status();
        return now == Status.LOST || now == Status.RELEASED;
    }

    /** Completes once, with the reason, when the claim is lost; never if it is released first. */
    CompletableFuture<LeadershipLostException> lost() {
        return lost;
    }

    /**
     * A keepalive succeeded. The deadline runs from when its request was sent, not from when the reply came:
     * the server renewed the lease somewhere in between, so only the send time keeps the local deadline before
     * the server's expiry however slowly the reply travelled or was processed.
     */
    void renewed(long requestSentNanos) {
        apply(Event.RENEWED, null, requestSentNanos);
    }

    /** Any event but {@link Event#RENEWED}, which needs its send time: see {@link #renewed(long)}. */
    void on(Event event, String detail) {
        if (event == Event.RENEWED) {
            throw new IllegalArgumentException("a renewal needs the time its request was sent; call renewed()");
        }
        apply(event, detail, 0);
    }

    private void apply(Event event, String detail, long requestSentNanos) {
        Status changedTo = null;
        LeadershipLostException lossReason = null;
        lock.lock();
        try {
            Event effective = event;
            if (event == Event.RENEWED && deadlinePassed()) {
                // A renewal that arrives after the deadline does not revive the claim: we already could not
                // tell whether another candidate took over.
                effective = Event.DEADLINE_PASSED;
            }
            Status next = nextStatus(status, effective);
            if (effective == Event.RENEWED && next == Status.LEADING) {
                // Replies may arrive out of order; an older request never moves the deadline back.
                lastRenewalNanos = Math.max(lastRenewalNanos, requestSentNanos);
                scheduleDeadlineCheck();
            }
            if (next != status) {
                status = next;
                changedTo = next;
                if (next == Status.LOST) {
                    cancelDeadlineCheck();
                    lossReason = new LeadershipLostException(reason(effective, detail));
                }
            }
        } finally {
            lock.unlock();
        }
        if (changedTo != null) {
            statusListener.accept(changedTo);
        }
        if (lossReason != null) {
            lost.complete(lossReason);
        }
    }

    /** Ends the claim gracefully. Returns false if it was already lost, or already released. */
    boolean release() {
        lock.lock();
        try {
            if (status == Status.LOST || status == Status.RELEASED) {
                return false;
            }
            status = Status.RELEASED;
            cancelDeadlineCheck();
        } finally {
            lock.unlock();
        }
        statusListener.accept(Status.RELEASED);
        return true;
    }

    private String reason(Event event, String detail) {
        String what = switch (event) {
            case LEASE_GONE -> "the lease of " + subject + " is gone (revoked or expired)";
            case KEY_DELETED -> "the key " + subject + " was deleted";
            case WATCH_ENDED -> "the watch of " + subject + " ended, so its deletion could go unseen";
            case DEADLINE_PASSED -> "no keepalive of " + subject + " succeeded within the renew deadline of "
                    + Durations.text(Duration.ofNanos(renewDeadlineNanos));
            case HISTORY_BROKEN -> "etcd's history broke under " + subject + ": it was wiped or restored from an older "
                    + "snapshot";
            case CLOSED -> "the leadership of " + subject + " was closed while the claim stood";
            case RENEWED, RENEWAL_FAILED, WATCH_FAILED -> "unexpected loss of " + subject;
        };
        return detail == null || detail.isBlank() ? what : what + " (" + detail + ")";
    }

    private boolean deadlinePassed() {
        return clock.nanoTime() - lastRenewalNanos >= renewDeadlineNanos;
    }

    private void scheduleDeadlineCheck() {
        cancelDeadlineCheck();
        long remaining = lastRenewalNanos + renewDeadlineNanos - clock.nanoTime();
        deadlineCheck = clock.schedule(Duration.ofNanos(Math.max(0, remaining)), this::checkDeadline);
    }

    private void cancelDeadlineCheck() {
        if (deadlineCheck != null) {
            deadlineCheck.cancel();
            deadlineCheck = null;
        }
    }

    private void checkDeadline() {
        boolean passed;
        lock.lock();
        try {
            passed = deadlinePassed();
        } finally {
            lock.unlock();
        }
        if (passed) {
            apply(Event.DEADLINE_PASSED, null, 0);
        }
    }
}
