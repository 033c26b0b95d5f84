package org.vvmhost.services.cluster.demo;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * One point of the timeline: the START or END of an event. Marks sort by time, then END before START (so a server
 * that comes up and goes down at the same instant is not left down), then event id, then target.
 */
public record TimelineMark(Duration at, Phase phase, String eventId, String target, ScenarioEvent event) {

    public enum Phase { END, START }

    public static final Comparator<TimelineMark> ORDER = Comparator.comparing(TimelineMark::at)
            .thenComparing(TimelineMark::phase)
            .thenComparing(TimelineMark::eventId)
            .thenComparing(TimelineMark::target);

    /** The kind this mark applies: SERVER_UP for the end of a SERVER_DOWN, else the event's kind. */
    public EventKind kind() {
        return phase == Phase.END && event.kind() == EventKind.SERVER_DOWN ? EventKind.SERVER_UP : event.kind();
    }

    /** The marks of a scenario in timeline order. */
    public static List<TimelineMark> timeline(Scenario scenario) {
        return scenario.events().stream()
                .flatMap(e -> e.end() == null
                        ? java.util.stream.Stream.of(new TimelineMark(e.start(), Phase.START, e.id(), e.target(), e))
                        : java.util.stream.Stream.of(new TimelineMark(e.start(), Phase.START, e.id(), e.target(), e),
                                new TimelineMark(e.end(), Phase.END, e.id(), e.target(), e)))
                .sorted(ORDER)
                .toList();
    }
}
