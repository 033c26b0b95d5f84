package org.vvmhost.services.cluster.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
 * Reads and validates scenarios, timelines of planned faults:
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
 * The YAML is bound to records with Jackson (an unknown field or a mistyped value is refused, named by its event
 * and field), then the records are checked against the rules, each with its own message: down and up come in pairs (a SERVER_DOWN has a t_end, which is its
 * SERVER_UP); t_start is before t_end; times lie inside the horizon; targets exist in the manifests with the right
 * kind; ids are unique; one target is not down twice at once; and a service never has all its servers down at once
 * (computed over the overlapping intervals, END before START at equal times).
 */
public final class Scenarios {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    public static final Duration DEFAULT_HORIZON = Duration.ofSeconds(30);
    private static final List<String> EVENT_FIELDS =
            List.of("id", "kind", "target", "t_start", "t_end", "spike_s", "replicas");

    private Scenarios() {
    }

    /** Reads a scenario file and validates it against the manifests; {@code horizon} (nullable) overrides. */
    public static Scenario read(Path file, List<Resource> manifests, Duration horizon) {
        String what = "scenario file " + file;
        return parse(InvalidInputException.readText(file, what), manifests, horizon, what);
    }

    public static Scenario parse(String yaml, List<Resource> manifests, Duration horizon) {
        return parse(yaml, manifests, horizon, "scenario");
    }

    /** The document as bound: every field optional, so that missing ones are named by the rules below. */
    record Document(@JsonProperty("horizon_s") Double horizon, List<EventFields> events) {
    }

    record EventFields(String id, String kind, String target, @JsonProperty("t_start") Double start,
                       @JsonProperty("t_end") Double end, @JsonProperty("spike_s") Double spike, Integer replicas) {
    }

    private static Scenario parse(String yaml, List<Resource> manifests, Duration horizonOverride, String what) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(what, List.of("must be a mapping with horizon_s and events"));
        }
        Document document;
        try {
            document = YAML.treeToValue(root, Document.class);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what, List.of(bindingProblem(e, root)));
        }
        List<String> problems = new ArrayList<>();
        Duration horizon = horizonOverride;
        if (document.horizon() != null && document.horizon() <= 0) {
            problems.add("horizon_s: must be a positive number of seconds, not " + root.get("horizon_s"));
        } else if (horizon == null && document.horizon() != null) {
            horizon = seconds(document.horizon());
        }
        if (horizon == null) {
            horizon = DEFAULT_HORIZON;
        }
        List<ScenarioEvent> events = new ArrayList<>();
        List<EventFields> bound = document.events() == null ? List.of() : document.events();
        for (int i = 0; i < bound.size(); i++) {
            ScenarioEvent event = event(i, bound.get(i), problems);
            if (event != null) {
                events.add(event);
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

    /** What a field the document could not be bound to must be, named by its event and field. */
    private static String bindingProblem(JsonProcessingException error, JsonNode root) {
        List<JsonMappingException.Reference> path = error instanceof JsonMappingException mapping
                ? mapping.getPath() : List.of();
        if (path.isEmpty()) {
            return error.getOriginalMessage();
        }
        String field = path.get(path.size() - 1).getFieldName();
        if (path.size() == 1) {
            return error instanceof UnrecognizedPropertyException
                    ? field + ": unknown field; expected horizon_s, events"
                    : field.equals("events") ? "events: must be a list"
                    : "horizon_s: must be a positive number of seconds, not " + root.get(field);
        }
        int index = path.get(1).getIndex();
        JsonNode node = root.path("events").path(index);
        String at = "events[" + index + "]";
        if (path.size() == 2) {
            return at + ": must be a mapping with id, kind, target, t_start";
        }
        String label = node.hasNonNull("id") ? at + " '" + node.get("id").asText() + "'" : at;
        if (error instanceof UnrecognizedPropertyException) {
            return label + ": " + field + ": unknown field; expected one of " + String.join(", ", EVENT_FIELDS);
        }
        JsonNode value = node.get(field);
        return label + ": " + field + ": " + switch (field) {
            case "spike_s" -> "a NETWORK_SPIKE needs the added latency in seconds, a positive number, not " + value;
            case "replicas" -> "a SCALE needs the new replica count, a whole number of 0 or more, not " + value;
            case "t_start", "t_end" -> "must be a number of seconds, not " + value;
            default -> "must be a string, not " + value;
        };
    }

    /** The rules of one event's fields; problems are added with the event's index and id. */
    private static ScenarioEvent event(int index, EventFields fields, List<String> problems) {
        String at = "events[" + index + "]";
        if (fields == null) {
            problems.add(at + ": must be a mapping with id, kind, target, t_start");
            return null;
        }
        String id = fields.id();
        String label = id == null ? at : at + " '" + id + "'";
        int before = problems.size();
        if (id == null || id.isBlank()) {
            problems.add(label + ": id: is required");
        }
        String target = fields.target();
        if (target == null || target.isBlank()) {
            problems.add(label + ": target: is required");
        }
        EventKind kind = null;
        if (fields.kind() == null) {
            problems.add(label + ": kind: is required");
        } else {
            try {
                kind = EventKind.valueOf(fields.kind());
            } catch (IllegalArgumentException e) {
                problems.add(label + ": kind: must be SERVER_DOWN, NETWORK_SPIKE, CONTAINER_KILL, CONTAINER_STOP"
                        + " or SCALE, not '" + fields.kind() + "'");
            }
        }
        if (kind == EventKind.SERVER_UP) {
            problems.add(label + ": kind: SERVER_UP is not an event of its own: it is the end (t_end) of a"
                    + " SERVER_DOWN event, because down and up come in pairs");
            kind = null;
        }
        if (fields.start() == null) {
            problems.add(label + ": t_start: is required (seconds from the start)");
        }
        if (kind != null && kind.isInterval() && fields.end() == null) {
            problems.add(label + ": t_end: is required: "
                    + (kind == EventKind.SERVER_DOWN
                    ? "a SERVER_DOWN needs the time of its SERVER_UP, because down and up come in pairs"
                    : "a NETWORK_SPIKE needs the time it ends"));
        }
        if (kind != null && !kind.isInterval() && fields.end() != null) {
            problems.add(label + ": t_end: only SERVER_DOWN and NETWORK_SPIKE events have an end; remove it");
        }
        Duration spike = Duration.ZERO;
        if (kind == EventKind.NETWORK_SPIKE) {
            if (fields.spike() == null || fields.spike() <= 0) {
                problems.add(label + ": spike_s: a NETWORK_SPIKE needs the added latency in seconds, a positive"
                        + " number" + (fields.spike() == null ? "" : ", not " + fields.spike()));
            } else {
                spike = seconds(fields.spike());
            }
        } else if (fields.spike() != null) {
            problems.add(label + ": spike_s: only NETWORK_SPIKE events have it; remove it");
        }
        int replicas = -1;
        if (kind == EventKind.SCALE) {
            if (fields.replicas() == null || fields.replicas() < 0) {
                problems.add(label + ": replicas: a SCALE needs the new replica count, a whole number of 0 or more"
                        + (fields.replicas() == null ? "" : ", not " + fields.replicas()));
            } else {
                replicas = fields.replicas();
            }
        } else if (fields.replicas() != null) {
            problems.add(label + ": replicas: only SCALE events have it; remove it");
        }
        if (problems.size() != before) {
            return null;
        }
        return new ScenarioEvent(id, kind, target, seconds(fields.start()),
                fields.end() == null ? null : seconds(fields.end()), spike, replicas);
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
