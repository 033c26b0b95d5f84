package org.vvmhost.services.cluster.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterException;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.UnknownTargetException;
import org.vvmhost.services.time.Timers;
import org.vvmhost.time.Clock;

/**
 * The one driver of a scenario's timeline. It waits from mark to mark (absolute times turned into relative waits
 * on the clock), applies every mark that is due in timeline order, and records what it did. Outages and spikes
 * act on the edges directly (O(1)); kill, stop and scale go through the cluster.
 */
final class ScenarioDriver {

    private static final Logger log = LoggerFactory.getLogger(ScenarioDriver.class);

    private final Cluster cluster;
    private final Clock clock;
    private final List<TimelineMark> marks;
    private final SplittableRandom random;
    private final List<AppliedEvent> applied = new ArrayList<>();
    private long origin;
    private int next;
    private volatile Clock.Scheduled pending;
    private volatile boolean stopped;

    ScenarioDriver(Cluster cluster, Scenario scenario, long seed) {
        this.cluster = cluster;
        this.clock = cluster.clock();
        this.marks = TimelineMark.timeline(scenario);
        this.random = new SplittableRandom(seed ^ 0xd21e5L);
    }

    /** Starts the timeline now. */
    void start() {
        origin = clock.nanoTime();
        armNext();
    }

    void stop() {
        stopped = true;
        Clock.Scheduled current = pending;
        Timers.cancel(current);
    }

    /** What was applied so far; call after {@link #stop}. */
    List<AppliedEvent> applied() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    /** Runs on the clock's thread only (one task at a time), so no lock is held while the cluster is called. */
    private void armNext() {
        if (stopped || next >= marks.size()) {
            return;
        }
        long wait = marks.get(next).at().toNanos() - (clock.nanoTime() - origin);
        pending = clock.schedule(Duration.ofNanos(Math.max(0, wait)), this::fire);
    }

    private void fire() {
        if (stopped) {
            return;
        }
        long elapsed = clock.nanoTime() - origin;
        while (next < marks.size() && marks.get(next).at().toNanos() <= elapsed) {
            TimelineMark mark = marks.get(next++);
            AppliedEvent done = new AppliedEvent(mark.at().toNanos() / 1e9, mark.eventId(), mark.kind(),
                    mark.phase(), mark.target(), apply(mark));
            synchronized (applied) {
                applied.add(done);
            }
        }
        armNext();
    }

    private String apply(TimelineMark mark) {
        ScenarioEvent event = mark.event();
        boolean start = mark.phase() == TimelineMark.Phase.START;
        try {
            switch (event.kind()) {
                case SERVER_DOWN -> {
                    if (start) {
                        cluster.faults().markDown(event.target());
                    } else {
                        cluster.faults().markUp(event.target());
                    }
                }
                case NETWORK_SPIKE -> cluster.faults().addLatency(event.target(), start ? event.spike() : event.spike().negated());
                case CONTAINER_KILL -> {
                    String victim = resolve(event.target());
                    cluster.kill(victim);
                    return victim;
                }
                case CONTAINER_STOP -> {
                    String victim = resolve(event.target());
                    cluster.stop(victim);
                    return victim;
                }
                case SCALE -> cluster.scale(event.target(), event.replicas());
                case SERVER_UP -> throw new IllegalStateException("SERVER_UP is only an end mark");
            }
            return "ok";
        } catch (ClusterException e) {
            log.warn("Scenario event '{}' ({} {}) not applied: {}", event.id(), mark.kind(), event.target(),
                    e.getMessage());
            return "not applied: " + e.getMessage();
        }
    }

    /** A container name as is; for a ReplicaSet, one of its ready replicas, picked with the seeded random. */
    private String resolve(String target) {
        if (cluster.container(target).isPresent()) {
            return target;
        }
        List<String> ready = cluster.containersOf(target).stream()
                .filter(c -> c.status().ready())
                .map(Container::name)
                .sorted()
                .toList();
        if (ready.isEmpty()) {
            throw new UnknownTargetException("ReplicaSet '" + target + "' has no ready replica");
        }
        return ready.get(random.nextInt(ready.size()));
    }
}
