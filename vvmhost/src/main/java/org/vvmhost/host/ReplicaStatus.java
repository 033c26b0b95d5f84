package org.vvmhost.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;
import org.vvmhost.vvm.VvmListener;
import org.vvmhost.vvm.VvmProblem;

/**
 * Holds this replica's {@link ReplicaState}: the VVM's listener events and the runner's (launch, stop request,
 * problem, end) each swap in the next snapshot; the HTTP handlers read the current one and never wait. It also keeps
 * the leadership meters: {@code vvmhost_leader}, {@code vvmhost_fencing_token}, {@code vvmhost_fencing_epoch},
 * {@code vvmhost_leadership_transitions_total}, {@code vvmhost_leadership_campaign_wait_seconds} (from a VVM's launch
 * to its win) and {@code vvmhost_lease_renew_deadline_slack_seconds} (the term's margin before its renew deadline).
 */
final class ReplicaStatus implements VvmListener {

    private static final Duration[] CAMPAIGN_BUCKETS = LongStream.of(10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
            30_000, 60_000, 300_000, 3_600_000).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    /** The reasons of {@code vvmhost_leadership_transitions_total}. */
    static final List<String> TRANSITIONS = List.of("acquired", "released", "switchover", "lost");

    private final Clock clock;
    private final String instanceId;
    private final AtomicReference<ReplicaState> state;
    private final MeterRegistry meters;
    private final Timer campaignWait;
    /** The current term's token as numbers, for the gauges; 0 with no term. */
    private volatile long fencingToken;
    private volatile long fencingEpoch;
    private volatile Observed observed;
    /** Why this replica does not campaign (yet), while the campaign gate holds it back. */
    private volatile Optional<String> held = Optional.empty();
    private volatile URI advertiseUrl;
    /** The term held now, for the slack gauge; null with none. */
    private volatile Term term;
    /** When the running VVM launched, on the monotonic clock. */
    private volatile long launchedNanos;

    ReplicaStatus(Clock clock, String instanceId, MeterRegistry meters) {
        this.clock = clock;
        this.instanceId = instanceId;
        this.meters = meters;
        this.state = new AtomicReference<>(ReplicaState.starting(clock.instant()));
        Gauge.builder("vvmhost.leader", this, status -> status.current().leading() ? 1 : 0)
                .description("1 while this replica holds a leadership term, else 0")
                .register(meters);
        Gauge.builder("vvmhost.fencing.token", this, status -> status.fencingToken)
                .description("The revision of the fencing token of the term this replica holds; 0 with no term")
                .register(meters);
        Gauge.builder("vvmhost.fencing.epoch", this, status -> status.fencingEpoch)
                .description("The epoch of the fencing token of the term this replica holds; 0 with no term")
                .register(meters);
        Gauge.builder("vvmhost.lease.renew.deadline.slack", this, ReplicaStatus::slackSeconds)
                .baseUnit("seconds")
                .description("Time the term held now has left before its renew deadline if no keepalive succeeds; "
                        + "NaN with no term, or on the embedded default")
                .register(meters);
        this.campaignWait = Timer.builder("vvmhost.leadership.campaign.wait")
                .description("From a VVM's launch to its won campaign: how long this replica waited to lead")
                .serviceLevelObjectives(CAMPAIGN_BUCKETS)
                .register(meters);
        TRANSITIONS.forEach(this::transitions);
    }

    private double slackSeconds() {
        Term held = term;
        return held == null ? Double.NaN
                : held.renewDeadlineSlack().map(slack -> slack.toNanos() / 1e9).orElse(Double.NaN);
    }

    ReplicaState current() {
        return state.get();
    }

    String instanceId() {
        return instanceId;
    }

    /** What the world and the cluster look like, once the run has built them; empty before. */
    Optional<Observed> observed() {
        return Optional.ofNullable(observed);
    }

    void observe(Observed sources) {
        this.observed = sources;
    }

    /** Why the campaign gate holds this replica back, while it does: readiness fails with this reason. */
    Optional<String> held() {
        return held;
    }

    void held(Optional<String> reason) {
        this.held = reason;
    }

    /** The URL this replica advertises in the election, once its HTTP API listens. */
    Optional<URI> advertiseUrl() {
        return Optional.ofNullable(advertiseUrl);
    }

    void advertise(URI url) {
        this.advertiseUrl = url;
    }

    void launched() {
        launchedNanos = clock.nanoTime();
        if (!update(s -> s.launched(clock.instant())).leading()) {
            forgetTerm();
        }
    }

    void stopRequested(String reason) {
        update(s -> s.stopRequested(reason, clock.instant()));
    }

    void failed(VvmProblem problem) {
        update(s -> s.failed(problem.kind() + ": " + problem.getMessage(), clock.instant()));
    }

    void shutDown() {
        update(s -> s.shutDown(clock.instant()));
    }

    @Override
    public void leadershipAcquired(Term term) {
        campaignWait.record(clock.nanoTime() - launchedNanos, TimeUnit.NANOSECONDS);
        this.term = term;
        fencingToken = term.fencingToken().revision();
        fencingEpoch = term.fencingToken().epoch();
        update(s -> s.acquired(String.valueOf(term.fencingToken()), term.leaderKey(), instanceId, clock.instant()));
        transitions("acquired").increment();
    }

    @Override
    public void servicesStarted() {
        update(s -> s.servicesStarted(clock.instant()));
    }

    /** The term this replica holds now, if any. */
    Optional<Term> heldTerm() {
        return Optional.ofNullable(term);
    }

    /** The leader begins a switchover to {@code successor}. */
    void switchoverRequested(String successor) {
        update(s -> s.switchoverRequested(successor, clock.instant()));
    }

    /** The switchover did not begin after all: the replica was stopping already. */
    void switchoverCancelled() {
        update(s -> s.switchoverCancelled(clock.instant()));
    }

    /** A term given up in a switchover counts as {@code switchover}, one given up otherwise as {@code released}. */
    @Override
    public void leadershipReleased(Term term) {
        forgetTerm();
        boolean switchover = current().term().flatMap(ReplicaState.Tenure::switchoverTo).isPresent();
        update(s -> s.released(clock.instant()));
        transitions(switchover ? "switchover" : "released").increment();
    }

    @Override
    public void leadershipLost(Term term, Throwable reason) {
        forgetTerm();
        String why = reason == null || reason.getMessage() == null ? "no reason given" : reason.getMessage();
        update(s -> s.lost(why, clock.instant()));
        transitions("lost").increment();
    }

    private void forgetTerm() {
        term = null;
        fencingToken = 0;
        fencingEpoch = 0;
    }

    private ReplicaState update(UnaryOperator<ReplicaState> event) {
        return state.updateAndGet(event);
    }

    private Counter transitions(String reason) {
        return Counter.builder("vvmhost.leadership.transitions")
                .tag("reason", reason)
                .description("Leadership terms this replica began or ended, by how")
                .register(meters);
    }
}
