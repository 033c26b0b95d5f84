package org.vvmhost.services.cluster.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vvmhost.services.cluster.ClusterService;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.InvalidInputException;
import org.vvmhost.services.cluster.ReplicaSet;
import org.vvmhost.services.cluster.Resource;

/**
 * Reads and validates scenarios: timelines of planned faults.
 *
 * <pre>
 * horizon_s: 30            # optional; a horizon given by the caller wins; default 30
 * events:
 *   - {id: outage-a, kind: SERVER_DOWN,   target: demo-a, t_start: 5,  t_end: 10}
 *   - {id: slow-b,   kind: NETWORK_SPIKE, target: demo-b, t_start: 12, t_end: 18, spike_s: 0.05}
 *   - {id: crash,    kind: CONTAINER_KILL, target: demo-rs, t_start: 20}   # a container, or one replica of a RS
 *   - {id: drain,    kind: CONTAINER_STOP, target: demo-b, t_start: 22}
 *   - {id: grow,     kind: SCALE, target: demo-rs, t_start: 25, replicas: 4}
 * </pre>
 *
 * The rules, each with its own message: down and up come in pairs (a SERVER_DOWN has a t_end, which is its
 * SERVER_UP); t_start is before t_end; times lie inside the horizon; targets exist in the manifests with the right
 * kind; ids are unique; one target is not down twice at once; and a service never has all its servers down at once
 * (computed over the overlapping intervals, END before START at equal times).
 */
public final class Scenarios {

    private static final YAMLMapper YAML = new YAMLMapper();
    public static final Duration DEFAULT_HORIZON = Duration.ofSeconds(30);
    private static final List<String> EVENT_FIELDS =
            List.of("id", "kind", "target", "t_start", "t_end", "spike_s", "replicas");

    private Scenarios() {
    }

    /** Reads a scenario file and validates it against the manifests; {@code horizon} (nullable) overrides. */
    public static Scenario read(Path file, List<Resource> manifests, Duration horizon) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidInputException("scenario file " + file,
                    List.of("cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
        }
        return parse(text, manifests, horizon, "scenario file " + file);
    }

    public static Scenario parse(String yaml, List<Resource> manifests, Duration horizon) {
        return parse(yaml, manifests, horizon, "scenario");
    }

    private static Scenario parse(String yaml, List<Resource> manifests, Duration horizonOverride, String what) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(what, List.of("must be a mapping with horizon_s and events"));
        }
        root.fieldNames().forEachRemaining(field -> {
            if (!field.equals("horizon_s") && !field.equals("events")) {
                problems.add(field + ": unknown field; expected horizon_s, events");
            }
        });
        Duration horizon = horizonOverride;
        JsonNode horizonNode = root.get("horizon_s");
        if (horizonNode != null && (!horizonNode.isNumber() || horizonNode.asDouble() <= 0)) {
            problems.add("horizon_s: must be a positive number of seconds, not " + horizonNode);
        } else if (horizon == null && horizonNode != null) {
            horizon = seconds(horizonNode.asDouble());
        }
        if (horizon == null) {
            horizon = DEFAULT_HORIZON;
        }
        List<ScenarioEvent> events = new ArrayList<>();
        JsonNode list = root.get("events");
        if (list != null && !list.isNull() && !list.isArray()) {
            problems.add("events: must be a list");
        } else if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                ScenarioEvent event = event(i, list.get(i), problems);
                if (event != null) {
                    events.add(event);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(what, problems);
        }
        Scenario scenario = new Scenario(horizon, events);
        problems.addAll(problems(scenario, manifests));
        if (!problems.isEmpty()) {
            throw new InvalidInputException(what, problems);
        }
        return scenario;
    }

    /** Throws {@link InvalidInputException} listing every rule the scenario breaks. */
    public static void validate(Scenario scenario, List<Resource> manifests) {
        List<String> problems = problems(scenario, manifests);
        if (!problems.isEmpty()) {
            throw new InvalidInputException("scenario", problems);
        }
    }

    private static ScenarioEvent event(int index, JsonNode node, List<String> problems) {
        String at = "events[" + index + "]";
        if (!node.isObject()) {
            problems.add(at + ": must be a mapping with id, kind, target, t_start");
            return null;
        }
        String id = node.hasNonNull("id") ? node.get("id").asText() : null;
        String label = id == null ? at : at + " '" + id + "'";
        int before = problems.size();
        node.fieldNames().forEachRemaining(field -> {
            if (!EVENT_FIELDS.contains(field)) {
                problems.add(label + ": " + field + ": unknown field; expected one of " + String.join(", ", EVENT_FIELDS));
            }
        });
        if (id == null || id.isBlank()) {
            problems.add(label + ": id: is required");
        }
        String target = node.hasNonNull("target") ? node.get("target").asText() : null;
        if (target == null || target.isBlank()) {
            problems.add(label + ": target: is required");
        }
        EventKind kind = null;
        String kindName = node.hasNonNull("kind") ? node.get("kind").asText() : null;
        if (kindName == null) {
            problems.add(label + ": kind: is required");
        } else {
            try {
                kind = EventKind.valueOf(kindName);
            } catch (IllegalArgumentException e) {
                problems.add(label + ": kind: must be SERVER_DOWN, NETWORK_SPIKE, CONTAINER_KILL, CONTAINER_STOP"
                        + " or SCALE, not '" + kindName + "'");
            }
        }
        if (kind == EventKind.SERVER_UP) {
            problems.add(label + ": kind: SERVER_UP is not an event of its own: it is the end (t_end) of a"
                    + " SERVER_DOWN event, because down and up come in pairs");
            kind = null;
        }
        Duration start = time(node, "t_start", label, problems, true);
        Duration end = time(node, "t_end", label, problems, false);
        if (kind != null && kind.isInterval() && end == null && !node.has("t_end")) {
            problems.add(label + ": t_end: is required: "
                    + (kind == EventKind.SERVER_DOWN
                    ? "a SERVER_DOWN needs the time of its SERVER_UP, because down and up come in pairs"
                    : "a NETWORK_SPIKE needs the time it ends"));
        }
        if (kind != null && !kind.isInterval() && node.has("t_end")) {
            problems.add(label + ": t_end: only SERVER_DOWN and NETWORK_SPIKE events have an end; remove it");
        }
        Duration spike = Duration.ZERO;
        if (kind == EventKind.NETWORK_SPIKE) {
            JsonNode value = node.get("spike_s");
            if (value == null || !value.isNumber() || value.asDouble() <= 0) {
                problems.add(label + ": spike_s: a NETWORK_SPIKE needs the added latency in seconds, a positive"
                        + " number" + (value == null ? "" : ", not " + value));
            } else {
                spike = seconds(value.asDouble());
            }
        } else if (node.has("spike_s")) {
            problems.add(label + ": spike_s: only NETWORK_SPIKE events have it; remove it");
        }
        int replicas = -1;
        if (kind == EventKind.SCALE) {
            JsonNode value = node.get("replicas");
            if (value == null || !value.isInt() || value.asInt() < 0) {
                problems.add(label + ": replicas: a SCALE needs the new replica count, a whole number of 0 or more"
                        + (value == null ? "" : ", not " + value));
            } else {
                replicas = value.asInt();
            }
        } else if (node.has("replicas")) {
            problems.add(label + ": replicas: only SCALE events have it; remove it");
        }
        if (problems.size() != before) {
            return null;
        }
        return new ScenarioEvent(id, kind, target, start, end, spike, replicas);
    }

    private static Duration time(JsonNode node, String field, String label, List<String> problems, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(label + ": " + field + ": is required (seconds from the start)");
            }
            return null;
        }
        if (!value.isNumber()) {
            problems.add(label + ": " + field + ": must be a number of seconds, not " + value);
            return null;
        }
        return seconds(value.asDouble());
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static String s(Duration time) {
        return time.toNanos() % 1_000_000_000L == 0 ? time.toSeconds() + " s" : (time.toNanos() / 1e9) + " s";
    }

    static List<String> problems(Scenario scenario, List<Resource> manifests) {
        List<String> problems = new ArrayList<>();
        Map<String, Container> containers = new HashMap<>();
        Map<String, ReplicaSet> replicaSets = new HashMap<>();
        List<ClusterService> services = new ArrayList<>();
        for (Resource resource : manifests) {
            if (resource instanceof Container c) {
                containers.put(c.name(), c);
            } else if (resource instanceof ReplicaSet r) {
                replicaSets.put(r.name(), r);
            } else if (resource instanceof ClusterService s) {
                services.add(s);
            }
        }
        Map<String, Integer> ids = new HashMap<>();
        List<ScenarioEvent> events = scenario.events();
        Duration horizon = scenario.horizon();
        for (int i = 0; i < events.size(); i++) {
            ScenarioEvent event = events.get(i);
            String label = "events[" + i + "] '" + event.id() + "'";
            Integer first = ids.putIfAbsent(event.id(), i);
            if (first != null) {
                problems.add(label + ": id: '" + event.id() + "' is already used by events[" + first
                        + "]; ids must be unique");
            }
            if (event.kind() == EventKind.SERVER_UP) {
                problems.add(label + ": kind: SERVER_UP is not an event of its own: it is the end (t_end) of a"
                        + " SERVER_DOWN event, because down and up come in pairs");
                continue;
            }
            if (event.kind().isInterval() && event.end() == null) {
                problems.add(label + ": t_end: is required: a " + event.kind()
                        + " has an end (for SERVER_DOWN, its SERVER_UP: down and up come in pairs)");
            }
            if (event.start().isNegative() || event.start().compareTo(horizon) > 0) {
                problems.add(label + ": t_start: " + s(event.start()) + " is outside the horizon [0, "
                        + s(horizon) + "]");
            }
            if (event.end() != null) {
                if (event.end().compareTo(event.start()) <= 0) {
                    problems.add(label + ": t_end: " + s(event.end()) + " must be after t_start ("
                            + s(event.start()) + ")");
                }
                if (event.end().compareTo(horizon) > 0) {
                    problems.add(label + ": t_end: " + s(event.end()) + " is outside the horizon [0, "
                            + s(horizon) + "]");
                }
            }
            String targetProblem = switch (event.kind()) {
                case SERVER_DOWN, NETWORK_SPIKE -> containers.containsKey(event.target()) ? null
                        : "no Container named '" + event.target() + "' in the manifests (a " + event.kind()
                        + " targets a named container; replicas of a ReplicaSet have random names)";
                case CONTAINER_KILL, CONTAINER_STOP ->
                        containers.containsKey(event.target()) || replicaSets.containsKey(event.target()) ? null
                                : "no Container or ReplicaSet named '" + event.target() + "' in the manifests";
                case SCALE -> replicaSets.containsKey(event.target()) ? null
                        : "no ReplicaSet named '" + event.target() + "' in the manifests";
                case SERVER_UP -> null;
            };
            if (targetProblem != null) {
                problems.add(label + ": target: " + targetProblem);
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(outageProblems(scenario, containers, replicaSets, services));
        }
        return problems;
    }

    /** Sweeps the outage marks in timeline order (END before START), per target and per service. */
    private static List<String> outageProblems(Scenario scenario, Map<String, Container> containers,
                                               Map<String, ReplicaSet> replicaSets, List<ClusterService> services) {
        List<String> problems = new ArrayList<>();
        List<TimelineMark> outages = TimelineMark.timeline(scenario).stream()
                .filter(m -> m.event().kind() == EventKind.SERVER_DOWN)
                .toList();
        Map<String, String> downBy = new HashMap<>();
        for (TimelineMark mark : outages) {
            if (mark.phase() == TimelineMark.Phase.START) {
                String other = downBy.putIfAbsent(mark.target(), mark.eventId());
                if (other != null) {
                    problems.add("event '" + mark.eventId() + "': target: '" + mark.target() + "' is already down"
                            + " by event '" + other + "' at " + s(mark.at()) + "; outages of one target must not"
                            + " overlap");
                }
            } else if (mark.eventId().equals(downBy.get(mark.target()))) {
                downBy.remove(mark.target());
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        for (ClusterService service : services) {
            Set<String> members = new LinkedHashSet<>();
            int total = 0;
            for (Container container : containers.values()) {
                if (service.selects(container.labels())) {
                    members.add(container.name());
                    total++;
                }
            }
            for (ReplicaSet replicaSet : replicaSets.values()) {
                if (service.selects(replicaSet.template().labels())) {
                    total += replicaSet.replicas();
                }
            }
            Map<String, String> downNow = new java.util.LinkedHashMap<>();
            for (TimelineMark mark : outages) {
                if (!members.contains(mark.target())) {
                    continue;
                }
                if (mark.phase() == TimelineMark.Phase.END) {
                    downNow.remove(mark.target());
                    continue;
                }
                downNow.put(mark.target(), mark.eventId());
                if (total > 0 && downNow.size() == total) {
                    problems.add("service '" + service.name() + "' would have all " + total + " of its servers down"
                            + " at " + s(mark.at()) + " (events " + String.join(", ", downNow.values())
                            + "); keep at least one up");
                    break;
                }
            }
        }
        return problems;
    }
}
