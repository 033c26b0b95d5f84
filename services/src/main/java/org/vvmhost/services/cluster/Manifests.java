package org.vvmhost.services.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads multi-document YAML manifests of kind Container, ReplicaSet and Service:
 *
 * <pre>
 * kind: ReplicaSet
 * metadata: {name: web}
 * spec:
 *   replicas: 3
 *   selector: {app: web}
 *   template:
 *     metadata: {labels: {app: web}}
 *     spec: {image: demo, restartPolicy: Always, mailboxCapacity: 1024, config: {serviceTimeMs: "2"}}
 * ---
 * kind: Service
 * metadata: {name: web}
 * spec: {selector: {app: web}, balancer: RoundRobin}   # or LeastConnections, Random
 * </pre>
 *
 * Every document is checked before anything is returned; problems name the document (counted from 1) and the
 * field. If any document is invalid, {@link InvalidInputException} lists every problem and nothing is returned,
 * so nothing gets applied.
 */
public final class Manifests {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final List<String> TOP_FIELDS = List.of("apiVersion", "kind", "metadata", "spec");

    private Manifests() {
    }

    public static List<Resource> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidInputException("manifest file " + file,
                    List.of("cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
        }
        return parse(text, "manifest file " + file);
    }

    public static List<Resource> parse(String yaml) {
        return parse(yaml, "manifest");
    }

    /** Deletes each of the resources (those that exist). */
    public static void delete(Cluster cluster, List<? extends Resource> resources) {
        for (Resource resource : resources) {
            cluster.delete(resource.kind(), resource.name());
        }
    }

    private static List<Resource> parse(String yaml, String what) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (iterator.hasNextValue()) {
                documents.add(iterator.nextValue());
            }
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what, List.of("document " + (documents.size() + 1)
                    + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        } catch (IOException e) {
            throw new InvalidInputException(what, List.of("cannot be read: " + e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        List<Resource> resources = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int index = 0;
        for (JsonNode document : documents) {
            index++;
            if (document == null || document.isNull() || document.isMissingNode()) {
                continue;
            }
            Document doc = new Document(index, document, problems);
            Resource resource = doc.parse();
            if (resource != null) {
                String key = resource.kind().manifestName() + " '" + resource.name() + "'";
                Integer first = seen.putIfAbsent(key, index);
                if (first != null) {
                    problems.add("document " + index + ": " + key + " is already defined by document " + first);
                } else {
                    resources.add(resource);
                }
            }
        }
        if (resources.isEmpty() && problems.isEmpty()) {
            problems.add("no documents: give at least one Container, ReplicaSet or Service");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(what, problems);
        }
        return List.copyOf(resources);
    }

    /** One document; problems are added with its index and the path of the field. */
    private static final class Document {
        private final int index;
        private final JsonNode root;
        private final List<String> problems;
        private String label;

        Document(int index, JsonNode root, List<String> problems) {
            this.index = index;
            this.root = root;
            this.problems = problems;
            this.label = "document " + index;
        }

        Resource parse() {
            int before = problems.size();
            if (!root.isObject()) {
                problem(null, "must be a mapping with kind, metadata and spec");
                return null;
            }
            unknownFields(root, "", TOP_FIELDS);
            String kindName = text(root, "kind", true);
            Kind kind = null;
            for (Kind candidate : Kind.values()) {
                if (candidate.manifestName().equals(kindName)) {
                    kind = candidate;
                }
            }
            if (kindName != null && kind == null) {
                problem("kind", "must be Container, ReplicaSet or Service, not '" + kindName + "'");
            }
            JsonNode metadata = object(root, "metadata", "", true);
            String name = metadata == null ? null : text(metadata, "name", "metadata.", true);
            if (kind != null && name != null) {
                label = "document " + index + " (" + kind.manifestName() + " '" + name + "')";
            }
            Map<String, String> labels = Map.of();
            if (metadata != null) {
                unknownFields(metadata, "metadata.", List.of("name", "labels"));
                labels = labels(metadata, "labels", "metadata.", false);
                if (name != null) {
                    Labels.nameProblem(name).ifPresent(p -> problem("metadata.name", p));
                }
            }
            JsonNode spec = object(root, "spec", "", true);
            if (kind == null || spec == null || name == null) {
                return null;
            }
            Resource resource = switch (kind) {
                case CONTAINER -> {
                    ContainerSpec containerSpec = containerSpec(spec, "spec.");
                    yield containerSpec == null ? null : Container.of(name, labels, containerSpec);
                }
                case REPLICA_SET -> replicaSet(name, labels, spec);
                case SERVICE -> service(name, labels, spec);
            };
            return problems.size() == before ? resource : null;
        }

        private ReplicaSet replicaSet(String name, Map<String, String> labels, JsonNode spec) {
            unknownFields(spec, "spec.", List.of("replicas", "selector", "template"));
            if (name.length() > Labels.MAX_NAME - 6) {
                problem("metadata.name", "a ReplicaSet's name must be at most " + (Labels.MAX_NAME - 6)
                        + " characters, so that '<name>-<5 letters>' is a valid container name");
            }
            Integer replicas = integer(spec, "replicas", "spec.", true, 0);
            Map<String, String> selector = labels(spec, "selector", "spec.", true);
            Labels.selectorProblem(selector).ifPresent(p -> problem("spec.selector", p));
            JsonNode template = object(spec, "template", "spec.", true);
            if (template == null) {
                return null;
            }
            unknownFields(template, "spec.template.", List.of("metadata", "spec"));
            JsonNode templateMetadata = object(template, "metadata", "spec.template.", true);
            Map<String, String> templateLabels = Map.of();
            if (templateMetadata != null) {
                unknownFields(templateMetadata, "spec.template.metadata.", List.of("labels"));
                templateLabels = labels(templateMetadata, "labels", "spec.template.metadata.", true);
            }
            JsonNode templateSpec = object(template, "spec", "spec.template.", true);
            ContainerSpec containerSpec = templateSpec == null ? null : containerSpec(templateSpec, "spec.template.spec.");
            if (!selector.isEmpty() && !Labels.selects(selector, templateLabels)) {
                problem("spec.selector", "does not match spec.template.metadata.labels " + templateLabels
                        + ": every selector pair must be among the template's labels");
            }
            if (replicas == null || containerSpec == null) {
                return null;
            }
            return new ReplicaSet(Metadata.of(name, labels), replicas, selector,
                    new ContainerTemplate(templateLabels, containerSpec));
        }

        private ClusterService service(String name, Map<String, String> labels, JsonNode spec) {
            unknownFields(spec, "spec.", List.of("selector", "balancer"));
            Map<String, String> selector = labels(spec, "selector", "spec.", true);
            Labels.selectorProblem(selector).ifPresent(p -> problem("spec.selector", p));
            String balancerName = text(spec, "balancer", "spec.", false);
            BalancerKind balancer = BalancerKind.ROUND_ROBIN;
            if (balancerName != null) {
                balancer = null;
                for (BalancerKind kind : BalancerKind.values()) {
                    if (kind.manifestName().equals(balancerName)) {
                        balancer = kind;
                    }
                }
                if (balancer == null) {
                    problem("spec.balancer", "must be RoundRobin, LeastConnections or Random, not '"
                            + balancerName + "'");
                    return null;
                }
            }
            return new ClusterService(Metadata.of(name, labels), selector, balancer);
        }

        private ContainerSpec containerSpec(JsonNode spec, String path) {
            unknownFields(spec, path, List.of("image", "restartPolicy", "mailboxCapacity", "config"));
            String image = text(spec, "image", path, true);
            if (image != null && image.isBlank()) {
                problem(path + "image", "must not be blank");
            }
            String policyName = text(spec, "restartPolicy", path, false);
            RestartPolicy policy = RestartPolicy.ALWAYS;
            if (policyName != null) {
                policy = switch (policyName) {
                    case "Always" -> RestartPolicy.ALWAYS;
                    case "OnFailure" -> RestartPolicy.ON_FAILURE;
                    case "Never" -> RestartPolicy.NEVER;
                    default -> {
                        problem(path + "restartPolicy", "must be Always, OnFailure or Never, not '" + policyName + "'");
                        yield null;
                    }
                };
            }
            Integer capacity = integer(spec, "mailboxCapacity", path, false, 1);
            Map<String, String> config = scalars(spec, "config", path);
            if (image == null || image.isBlank() || policy == null) {
                return null;
            }
            return new ContainerSpec(image, policy, capacity == null ? ContainerSpec.DEFAULT_MAILBOX_CAPACITY : capacity,
                    config);
        }

        private void unknownFields(JsonNode node, String path, List<String> allowed) {
            Set<String> known = Set.copyOf(allowed);
            node.fieldNames().forEachRemaining(field -> {
                if (!known.contains(field)) {
                    problem(path + field, "unknown field; expected one of " + String.join(", ", allowed));
                }
            });
        }

        private JsonNode object(JsonNode parent, String field, String path, boolean required) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                if (required) {
                    problem(path + field, "is required");
                }
                return null;
            }
            if (!node.isObject()) {
                problem(path + field, "must be a mapping");
                return null;
            }
            return node;
        }

        private String text(JsonNode parent, String field, boolean required) {
            return text(parent, field, "", required);
        }

        private String text(JsonNode parent, String field, String path, boolean required) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                if (required) {
                    problem(path + field, "is required");
                }
                return null;
            }
            if (!node.isTextual()) {
                problem(path + field, "must be a string");
                return null;
            }
            return node.asText();
        }

        private Integer integer(JsonNode parent, String field, String path, boolean required, int min) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                if (required) {
                    problem(path + field, "is required");
                }
                return null;
            }
            if (!node.isInt() || node.asInt() < min) {
                problem(path + field, "must be a whole number of at least " + min + ", not " + node);
                return null;
            }
            return node.asInt();
        }

        private Map<String, String> labels(JsonNode parent, String field, String path, boolean required) {
            Map<String, String> pairs = scalars(parent, field, path);
            if (required && parent.get(field) == null) {
                problem(path + field, "is required");
            }
            Labels.labelsProblem(pairs).ifPresent(p -> problem(path + field, p));
            return pairs;
        }

        private Map<String, String> scalars(JsonNode parent, String field, String path) {
            JsonNode node = parent.get(field);
            Map<String, String> pairs = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return pairs;
            }
            if (!node.isObject()) {
                problem(path + field, "must be a mapping of names to values");
                return pairs;
            }
            node.fields().forEachRemaining(entry -> {
                if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                    problem(path + field + "." + entry.getKey(), "must be a plain value (string or number)");
                } else {
                    pairs.put(entry.getKey(), entry.getValue().asText());
                }
            });
            return pairs;
        }

        private void problem(String field, String message) {
            problems.add(label + (field == null ? "" : ": " + field) + ": " + message);
        }
    }
}
