package org.vvmhost.host.drill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Builds a replica's timeline lane from its log, the process's start and exit, and what the drill did to it. */
final class LocalLanes {

    private LocalLanes() {
    }

    private record Transition(Instant at, Lane.State state, String label) {
    }

    /**
     * @param frozen  when it was frozen (SIGSTOP), if it was
     * @param resumed when it was resumed (SIGCONT), if it was
     * @param end     the end of the drill: a replica still running then ends there
     */
    static Lane lane(String name, ReplicaProcess process, List<DrillEvent> events, Instant frozen, Instant resumed,
            Instant end) {
        ReplicaLog log = process.log();
        Instant exited = process.exitedAt().orElse(end);
        List<Transition> transitions = new ArrayList<>();
        transitions.add(new Transition(process.startedAt(), Lane.State.STARTING, ""));
        List<Lane.Mark> marks = new ArrayList<>();
        for (ReplicaLog.Line line : log.lines()) {
            if (line.text().contains(" - waiting for ")) {
                transitions.add(new Transition(line.at(), Lane.State.STANDBY, ""));
            }
        }
        for (ReplicaLog.TermLog term : log.terms()) {
            transitions.add(new Transition(term.acquired(), Lane.State.LEADING, term.token().toString()));
            boolean frozenInTerm = frozen != null && frozen.isAfter(term.acquired());
            Optional<Instant> stopped = term.servicesStopped();
            if (frozenInTerm) {
                transitions.add(new Transition(frozen, Lane.State.FROZEN, "frozen"));
                if (resumed != null) {
                    transitions.add(new Transition(resumed, Lane.State.DEPOSED, "deposed"));
                }
            }
            stopped.filter(at -> !frozenInTerm || resumed == null || at.isAfter(resumed))
                    .ifPresent(at -> transitions.add(new Transition(at, Lane.State.STOPPING, "")));
            term.servicesStarted().ifPresent(at -> marks.add(new Lane.Mark(Lane.MarkKind.SERVICES_STARTED, at,
                    "services started (" + term.token() + ")")));
            for (ReplicaLog.Save save : term.saves()) {
                marks.add(new Lane.Mark(Lane.MarkKind.SAVED_VIEW, save.at(), (save.isFinal() ? "final view" : "view")
                        + " of tick " + save.tick() + " saved in " + save.millis() + " ms"));
            }
        }
        for (DrillEvent event : events) {
            marks.add(new Lane.Mark(Lane.MarkKind.SIGNAL, event.at(), event.label()));
        }
        process.exitCode().ifPresent(code -> marks.add(new Lane.Mark(Lane.MarkKind.EXIT, exited,
                "exit " + code)));
        transitions.sort(Comparator.comparing(Transition::at));
        List<Transition> kept = new ArrayList<>();
        for (Transition transition : transitions) {
            Lane.State current = kept.isEmpty() ? null : kept.get(kept.size() - 1).state();
            // What happens after the exit is not on the lane; a leader does not stand by until its term ends.
            boolean leading = current == Lane.State.LEADING || current == Lane.State.FROZEN
                    || current == Lane.State.DEPOSED;
            if (transition.at().isBefore(exited) && !(leading && transition.state() == Lane.State.STANDBY)) {
                kept.add(transition);
            }
        }
        List<Lane.Span> spans = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            Transition from = kept.get(i);
            Instant to = i + 1 < kept.size() ? kept.get(i + 1).at() : exited;
            if (to.isAfter(from.at())) {
                spans.add(new Lane.Span(from.state(), from.at(), to, from.label()));
            }
        }
        return new Lane(name, process.startedAt(), exited, merge(spans), marks, cuts(events, exited));
    }

    /** From each {@code partition} event to its {@code heal} (or the exit). */
    private static List<Lane.Cut> cuts(List<DrillEvent> events, Instant exited) {
        List<Lane.Cut> cuts = new ArrayList<>();
        Instant cut = null;
        for (DrillEvent event : events) {
            if (event.label().equals(LocalDrill.PARTITION) && cut == null) {
                cut = event.at();
            } else if (event.label().equals(LocalDrill.HEAL) && cut != null) {
                cuts.add(new Lane.Cut(cut, event.at()));
                cut = null;
            }
        }
        if (cut != null) {
            cuts.add(new Lane.Cut(cut, exited));
        }
        return cuts;
    }

    /** Adjacent spans of one state and label become one. */
    private static List<Lane.Span> merge(List<Lane.Span> spans) {
        List<Lane.Span> merged = new ArrayList<>();
        for (Lane.Span span : spans) {
            Lane.Span last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.state() == span.state() && last.label().equals(span.label())) {
                merged.set(merged.size() - 1, new Lane.Span(last.state(), last.from(), span.to(), last.label()));
            } else {
                merged.add(span);
            }
        }
        return merged;
    }
}
