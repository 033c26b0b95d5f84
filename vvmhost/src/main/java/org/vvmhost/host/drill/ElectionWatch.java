package org.vvmhost.host.drill;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.leadership.etcd.EtcdLeaderships;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.time.Clock;

/**
 * Watches an election from the outside, for a drill of replicas it did not start: a named thread reads who leads and
 * who waits every {@link #PERIOD} and keeps every reading with the time it was taken. From the readings come the
 * current leader, the moment a new term was first seen, and each replica's lane on the timeline.
 */
final class ElectionWatch implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMillis(50);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    /** One reading; {@code status} is empty when etcd did not answer. */
    record Reading(Instant at, Optional<ElectionStatus> status) {
    }

    private final Client client;
    private final EtcdSettings settings;
    private final Clock clock;
    private final List<Reading> readings = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    ElectionWatch(Client client, EtcdSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        this.thread = new Thread(this::watch, "drill-election-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The newest reading in which etcd answered. */
    Optional<ElectionStatus> latest() {
        synchronized (readings) {
            for (int i = readings.size() - 1; i >= 0; i--) {
                if (readings.get(i).status().isPresent()) {
                    return readings.get(i).status();
                }
            }
        }
        return Optional.empty();
    }

    /** The leader of the newest reading, if it confirmed its win. */
    Optional<ElectionStatus.Entry> leader() {
        return latest().flatMap(ElectionStatus::leader).filter(entry -> entry.fencingToken().isPresent());
    }

    /** When a leader with {@code token} was first seen. */
    Optional<Instant> firstSeen(FencingToken token) {
        synchronized (readings) {
            return readings.stream().filter(reading -> reading.status().flatMap(ElectionStatus::leader)
                    .flatMap(ElectionStatus.Entry::fencingToken).equals(Optional.of(token)))
                    .map(Reading::at).findFirst();
        }
    }

    /**
     * Every candidate's lane, by its id, from the readings: leading while it led with a confirmed token, standing by
     * while it waited, and ending at the last reading that showed it.
     */
    List<Lane> lanes(List<DrillEvent> events) {
        record Seen(Lane.State state, String label) {
        }
        Map<String, List<Lane.Span>> spans = new LinkedHashMap<>();
        Map<String, Seen> current = new LinkedHashMap<>();
        Map<String, Instant> since = new LinkedHashMap<>();
        Map<String, Instant> last = new LinkedHashMap<>();
        List<Reading> copy;
        synchronized (readings) {
            copy = List.copyOf(readings);
        }
        for (Reading reading : copy) {
            if (reading.status().isEmpty()) {
                continue;
            }
            Map<String, Seen> now = new LinkedHashMap<>();
            ElectionStatus status = reading.status().get();
            status.leader().ifPresent(leader -> now.put(leader.id(), leader.fencingToken()
                    .map(token -> new Seen(Lane.State.LEADING, token.toString()))
                    .orElse(new Seen(Lane.State.STANDBY, ""))));
            status.waiting().forEach(entry -> now.putIfAbsent(entry.id(), new Seen(Lane.State.STANDBY, "")));
            for (Map.Entry<String, Seen> entry : current.entrySet()) {
                String id = entry.getKey();
                if (!entry.getValue().equals(now.get(id))) {
                    spans.computeIfAbsent(id, key -> new ArrayList<>()).add(new Lane.Span(entry.getValue().state(),
                            since.get(id), reading.at(), entry.getValue().label()));
                }
            }
            for (Map.Entry<String, Seen> entry : now.entrySet()) {
                if (!entry.getValue().equals(current.get(entry.getKey()))) {
                    since.put(entry.getKey(), reading.at());
                }
                last.put(entry.getKey(), reading.at());
                spans.computeIfAbsent(entry.getKey(), key -> new ArrayList<>());
            }
            current.clear();
            current.putAll(now);
        }
        Instant end = copy.isEmpty() ? clock.instant() : copy.get(copy.size() - 1).at();
        current.forEach((id, seen) -> spans.get(id).add(new Lane.Span(seen.state(), since.get(id), end,
                seen.label())));
        List<Lane> lanes = new ArrayList<>();
        spans.forEach((id, list) -> {
            List<Lane.Mark> marks = events.stream().filter(event -> event.lane().equals(id))
                    .map(event -> new Lane.Mark(Lane.MarkKind.SIGNAL, event.at(), event.label())).toList();
            Instant from = list.isEmpty() ? last.get(id) : list.get(0).from();
            lanes.add(new Lane(id, from, last.get(id), list, marks, List.of()));
        });
        return lanes;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(READ_TIMEOUT.multipliedBy(2).toMillis());
    }

    private void watch() {
        while (!closed) {
            Optional<ElectionStatus> status;
            try {
                status = Optional.of(EtcdLeaderships.status(client, settings, READ_TIMEOUT));
            } catch (LeadershipException e) {
                status = Optional.empty();
            }
            synchronized (readings) {
                readings.add(new Reading(clock.instant(), status));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
