package org.vvmhost.services.cluster.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.cluster.InvalidInputException;
import org.vvmhost.services.cluster.Manifests;
import org.vvmhost.services.cluster.Resource;

class ScenarioValidationTest {

    private static final List<Resource> MANIFESTS = Manifests.parse("""
            kind: Container
            metadata: {name: s1, labels: {app: web}}
            spec: {image: demo}
            ---
            kind: Container
            metadata: {name: s2, labels: {app: web}}
            spec: {image: demo}
            ---
            kind: ReplicaSet
            metadata: {name: pool}
            spec:
              replicas: 2
              selector: {app: pool}
              template: {metadata: {labels: {app: pool}}, spec: {image: demo}}
            ---
            kind: Service
            metadata: {name: web}
            spec: {selector: {app: web}}
            """);

    private static Scenario parse(String events) {
        return Scenarios.parse("horizon_s: 30\nevents:\n" + events, MANIFESTS, null);
    }

    private static void rejects(String events, String message) {
        assertThatThrownBy(() -> parse(events))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).problems()).contains(message));
    }

    @Test
    void aValidScenarioParses() {
        Scenario scenario = parse("""
                  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 5, t_end: 10}
                  - {id: sp, kind: NETWORK_SPIKE, target: s2, t_start: 1, t_end: 2.5, spike_s: 0.05}
                  - {id: k, kind: CONTAINER_KILL, target: pool, t_start: 3}
                  - {id: st, kind: CONTAINER_STOP, target: s2, t_start: 12}
                  - {id: sc, kind: SCALE, target: pool, t_start: 20, replicas: 4}
                """);

        assertThat(scenario.horizon()).isEqualTo(Duration.ofSeconds(30));
        assertThat(scenario.events()).hasSize(5);
        assertThat(scenario.events().get(1).spike()).isEqualTo(Duration.ofMillis(50));
        assertThat(scenario.events().get(1).end()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void downAndUpComeInPairs() {
        rejects("  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 5}\n",
                "events[0] 'o1': t_end: is required: a SERVER_DOWN needs the time of its SERVER_UP, because down"
                        + " and up come in pairs");
        rejects("  - {id: u1, kind: SERVER_UP, target: s1, t_start: 5}\n",
                "events[0] 'u1': kind: SERVER_UP is not an event of its own: it is the end (t_end) of a SERVER_DOWN"
                        + " event, because down and up come in pairs");
    }

    @Test
    void startIsBeforeEnd() {
        rejects("  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 8, t_end: 3}\n",
                "events[0] 'o1': t_end: 3 s must be after t_start (8 s)");
        rejects("  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 8, t_end: 8}\n",
                "events[0] 'o1': t_end: 8 s must be after t_start (8 s)");
    }

    @Test
    void timesLieInsideTheHorizon() {
        rejects("  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 5, t_end: 31}\n",
                "events[0] 'o1': t_end: 31 s is outside the horizon [0, 30 s]");
        rejects("  - {id: k, kind: CONTAINER_KILL, target: s1, t_start: -1}\n",
                "events[0] 'k': t_start: -1 s is outside the horizon [0, 30 s]");
    }

    @Test
    void targetsExistWithTheRightKind() {
        rejects("  - {id: o1, kind: SERVER_DOWN, target: ghost, t_start: 1, t_end: 2}\n",
                "events[0] 'o1': target: no Container named 'ghost' in the manifests (a SERVER_DOWN targets a"
                        + " named container; replicas of a ReplicaSet have random names)");
        rejects("  - {id: sc, kind: SCALE, target: s1, t_start: 1, replicas: 2}\n",
                "events[0] 'sc': target: no ReplicaSet named 's1' in the manifests");
        rejects("  - {id: k, kind: CONTAINER_KILL, target: ghost, t_start: 1}\n",
                "events[0] 'k': target: no Container or ReplicaSet named 'ghost' in the manifests");
    }

    @Test
    void idsAreUnique() {
        rejects("""
                  - {id: x, kind: CONTAINER_KILL, target: s1, t_start: 1}
                  - {id: x, kind: CONTAINER_STOP, target: s2, t_start: 2}
                """, "events[1] 'x': id: 'x' is already used by events[0]; ids must be unique");
    }

    @Test
    void neverAreAllServersOfAServiceDownAtOnce() {
        rejects("""
                  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 5, t_end: 10}
                  - {id: o2, kind: SERVER_DOWN, target: s2, t_start: 8, t_end: 12}
                """, "service 'web' would have all 2 of its servers down at 8 s (events o1, o2); keep at least one up");
    }

    @Test
    void backToBackOutagesAreFineBecauseEndSortsBeforeStart() {
        Scenario scenario = parse("""
                  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 5, t_end: 10}
                  - {id: o2, kind: SERVER_DOWN, target: s2, t_start: 10, t_end: 12}
                """);

        assertThat(scenario.events()).hasSize(2);
    }

    @Test
    void oneTargetIsNotDownTwiceAtOnce() {
        rejects("""
                  - {id: o1, kind: SERVER_DOWN, target: s1, t_start: 5, t_end: 10}
                  - {id: o2, kind: SERVER_DOWN, target: s1, t_start: 7, t_end: 9}
                """, "event 'o2': target: 's1' is already down by event 'o1' at 7 s; outages of one target must not"
                + " overlap");
    }

    @Test
    void unknownFieldsAndMistypedValuesAreNamedByEventAndField() {
        rejects("  - {id: k, kind: CONTAINER_KILL, target: s1, t_start: 1, when: now}\n",
                "events[0] 'k': when: unknown field; expected one of id, kind, target, t_start, t_end, spike_s,"
                        + " replicas");
        rejects("  - {id: k, kind: CONTAINER_KILL, target: s1, t_start: soon}\n",
                "events[0] 'k': t_start: must be a number of seconds, not \"soon\"");
        rejects("  - {id: sc, kind: SCALE, target: pool, t_start: 1, replicas: 1.5}\n",
                "events[0] 'sc': replicas: a SCALE needs the new replica count, a whole number of 0 or more, not 1.5");
    }

    @Test
    void kindSpecificFieldsAreChecked() {
        rejects("  - {id: sp, kind: NETWORK_SPIKE, target: s1, t_start: 1, t_end: 2}\n",
                "events[0] 'sp': spike_s: a NETWORK_SPIKE needs the added latency in seconds, a positive number");
        rejects("  - {id: sc, kind: SCALE, target: pool, t_start: 1}\n",
                "events[0] 'sc': replicas: a SCALE needs the new replica count, a whole number of 0 or more");
        rejects("  - {id: k, kind: CONTAINER_KILL, target: s1, t_start: 1, t_end: 2}\n",
                "events[0] 'k': t_end: only SERVER_DOWN and NETWORK_SPIKE events have an end; remove it");
        rejects("  - {id: k, kind: REBOOT, target: s1, t_start: 1}\n",
                "events[0] 'k': kind: must be SERVER_DOWN, NETWORK_SPIKE, CONTAINER_KILL, CONTAINER_STOP or SCALE,"
                        + " not 'REBOOT'");
    }

    @Test
    void theTimelineSortsByTimeThenEndBeforeStartThenIdThenTarget() {
        Scenario scenario = new Scenario(Duration.ofSeconds(30), List.of(
                ScenarioEvent.outage("b-second", "s2", Duration.ofSeconds(5), Duration.ofSeconds(9)),
                ScenarioEvent.outage("a-first", "s1", Duration.ofSeconds(1), Duration.ofSeconds(5)),
                ScenarioEvent.kill("a-kill", "s2", Duration.ofSeconds(5)),
                ScenarioEvent.outage("c-third", "s1", Duration.ofSeconds(5), Duration.ofSeconds(7))));

        List<String> order = TimelineMark.timeline(scenario).stream()
                .map(m -> m.at().toSeconds() + " " + m.kind() + " " + m.eventId())
                .toList();

        assertThat(order).containsExactly(
                "1 SERVER_DOWN a-first",
                "5 SERVER_UP a-first",
                "5 CONTAINER_KILL a-kill",
                "5 SERVER_DOWN b-second",
                "5 SERVER_DOWN c-third",
                "7 SERVER_UP c-third",
                "9 SERVER_UP b-second");
    }
}
