package org.vvmhost.services.cluster;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    private static final List<String> TOP_FIELDS = List.of("apiVersion", "kind", "metadata", "spec");

    private Manifests() {
    }

    public static List<Resource> read(Path file) {
        String what = "manifest file " + file;
        return parse(InvalidInputException.readText(file, what), what);
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

    /** One document as bound; unknown fields are kept aside so that the rules name them all, in order. */
    record DocumentFields(String apiVersion, String kind, MetadataFields metadata, JsonNode spec,
                          @JsonAnySetter Map<String, Object> unknown) {
    }

    record MetadataFields(String name, Map<String, String> labels, @JsonAnySetter Map<String, Object> unknown) {
    }

    record ContainerSpecFields(String image, String restartPolicy, Integer mailboxCapacity,
                               Map<String, String> config, @JsonAnySetter Map<String, Object> unknown) {
    }

    record ReplicaSetSpecFields(Integer replicas, Map<String, String> selector, TemplateFields template,
                                @JsonAnySetter Map<String, Object> unknown) {
    }

    record TemplateFields(TemplateMetadataFields metadata, ContainerSpecFields spec,
                          @JsonAnySetter Map<String, Object> unknown) {
    }

    record TemplateMetadataFields(Map<String, String> labels, @JsonAnySetter Map<String, Object> unknown) {
    }

    record ServiceSpecFields(Map<String, String> selector, String balancer,
                             @JsonAnySetter Map<String, Object> unknown) {
    }

    /** One document: bound, then checked; problems are added with its index and the path of the field. */
    private static final class Document {
        private final int index;
        private final JsonNode root;
        private final List<String> problems;
        private String label;
        /** The node being bound, and its path: the document, then its spec. */
        private JsonNode bound;
        private String boundPath = "";

        Document(int index, JsonNode root, List<String> problems) {
            this.index = index;
            this.root = root;
            this.problems = problems;
            this.label = "document " + index;
        }

        Resource parse() {
            if (!root.isObject()) {
                problem(null, "must be a mapping with kind, metadata and spec");
                return null;
            }
            try {
                bound = root;
                return check(YAML.treeToValue(root, DocumentFields.class));
            } catch (JsonProcessingException e) {
                bindingProblem(e);
                return null;
            }
        }

        private Resource check(DocumentFields document) throws JsonProcessingException {
            int before = problems.size();
            unknownFields(document.unknown(), "", TOP_FIELDS);
            String kindName = required(document.kind(), "kind");
            Kind kind = null;
            for (Kind candidate : Kind.values()) {
                if (candidate.manifestName().equals(kindName)) {
                    kind = candidate;
                }
            }
            if (kindName != null && kind == null) {
                problem("kind", "must be Container, ReplicaSet or Service, not '" + kindName + "'");
            }
            MetadataFields metadata = required(document.metadata(), "metadata");
            String name = metadata == null ? null : required(metadata.name(), "metadata.name");
            if (kind != null && name != null) {
                label = "document " + index + " (" + kind.manifestName() + " '" + name + "')";
            }
            Map<String, String> labels = Map.of();
            if (metadata != null) {
                unknownFields(metadata.unknown(), "metadata.", List.of("name", "labels"));
                labels = labels(metadata.labels(), "metadata.labels", false);
                if (name != null) {
                    Labels.nameProblem(name).ifPresent(p -> problem("metadata.name", p));
                }
            }
            JsonNode spec = required(document.spec(), "spec");
            if (spec != null && !spec.isObject()) {
                problem("spec", "must be a mapping");
                spec = null;
            }
            if (kind == null || spec == null || name == null) {
                return null;
            }
            bound = spec;
            boundPath = "spec.";
            Resource resource = switch (kind) {
                case CONTAINER -> {
                    ContainerSpec containerSpec = containerSpec(YAML.treeToValue(spec, ContainerSpecFields.class),
                            "spec.");
                    yield containerSpec == null ? null : Container.of(name, labels, containerSpec);
                }
                case REPLICA_SET -> replicaSet(name, labels, YAML.treeToValue(spec, ReplicaSetSpecFields.class));
                case SERVICE -> service(name, labels, YAML.treeToValue(spec, ServiceSpecFields.class));
            };
            return problems.size() == before ? resource : null;
        }

        private ReplicaSet replicaSet(String name, Map<String, String> labels, ReplicaSetSpecFields spec) {
            unknownFields(spec.unknown(), "spec.", List.of("replicas", "selector", "template"));
            if (name.length() > Labels.MAX_NAME - 6) {
                problem("metadata.name", "a ReplicaSet's name must be at most " + (Labels.MAX_NAME - 6)
                        + " characters, so that '<name>-<5 letters>' is a valid container name");
            }
            Integer replicas = atLeast(required(spec.replicas(), "spec.replicas"), "spec.replicas", 0);
            Map<String, String> selector = labels(spec.selector(), "spec.selector", true);
            Labels.selectorProblem(selector).ifPresent(p -> problem("spec.selector", p));
            TemplateFields template = required(spec.template(), "spec.template");
            if (template == null) {
                return null;
            }
            unknownFields(template.unknown(), "spec.template.", List.of("metadata", "spec"));
            TemplateMetadataFields templateMetadata = required(template.metadata(), "spec.template.metadata");
            Map<String, String> templateLabels = Map.of();
            if (templateMetadata != null) {
                unknownFields(templateMetadata.unknown(), "spec.template.metadata.", List.of("labels"));
                templateLabels = labels(templateMetadata.labels(), "spec.template.metadata.labels", true);
            }
            ContainerSpecFields templateSpec = required(template.spec(), "spec.template.spec");
            ContainerSpec containerSpec = templateSpec == null ? null
                    : containerSpec(templateSpec, "spec.template.spec.");
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

        private ClusterService service(String name, Map<String, String> labels, ServiceSpecFields spec) {
            unknownFields(spec.unknown(), "spec.", List.of("selector", "balancer"));
            Map<String, String> selector = labels(spec.selector(), "spec.selector", true);
            Labels.selectorProblem(selector).ifPresent(p -> problem("spec.selector", p));
            BalancerKind balancer = BalancerKind.ROUND_ROBIN;
            if (spec.balancer() != null) {
                balancer = null;
                for (BalancerKind kind : BalancerKind.values()) {
                    if (kind.manifestName().equals(spec.balancer())) {
                        balancer = kind;
                    }
                }
                if (balancer == null) {
                    problem("spec.balancer", "must be RoundRobin, LeastConnections or Random, not '"
                            + spec.balancer() + "'");
                    return null;
                }
            }
            return new ClusterService(Metadata.of(name, labels), selector, balancer);
        }

        private ContainerSpec containerSpec(ContainerSpecFields spec, String path) {
            unknownFields(spec.unknown(), path, List.of("image", "restartPolicy", "mailboxCapacity", "config"));
            String image = required(spec.image(), path + "image");
            if (image != null && image.isBlank()) {
                problem(path + "image", "must not be blank");
            }
            RestartPolicy policy = RestartPolicy.ALWAYS;
            if (spec.restartPolicy() != null) {
                policy = switch (spec.restartPolicy()) {
                    case "Always" -> RestartPolicy.ALWAYS;
                    case "OnFailure" -> RestartPolicy.ON_FAILURE;
                    case "Never" -> RestartPolicy.NEVER;
                    default -> {
                        problem(path + "restartPolicy", "must be Always, OnFailure or Never, not '"
                                + spec.restartPolicy() + "'");
                        yield null;
                    }
                };
            }
            Integer capacity = atLeast(spec.mailboxCapacity(), path + "mailboxCapacity", 1);
            Map<String, String> config = spec.config() == null ? Map.of() : spec.config();
            if (image == null || image.isBlank() || policy == null) {
                return null;
            }
            return new ContainerSpec(image, policy, capacity == null ? ContainerSpec.DEFAULT_MAILBOX_CAPACITY : capacity,
                    config);
        }

        private void unknownFields(Map<String, Object> unknown, String path, List<String> allowed) {
            for (String field : unknown == null ? List.<String>of() : unknown.keySet()) {
                problem(path + field, "unknown field; expected one of " + String.join(", ", allowed));
            }
        }

        private <T> T required(T value, String path) {
            if (value == null) {
                problem(path, "is required");
            }
            return value;
        }

        private Integer atLeast(Integer value, String path, int min) {
            if (value != null && value < min) {
                problem(path, "must be a whole number of at least " + min + ", not " + value);
                return null;
            }
            return value;
        }

        private Map<String, String> labels(Map<String, String> pairs, String path, boolean required) {
            if (pairs == null) {
                if (required) {
                    problem(path, "is required");
                }
                return Map.of();
            }
            Labels.labelsProblem(pairs).ifPresent(p -> problem(path, p));
            return pairs;
        }

        /** A value the document could not be bound to, named by its field. */
        private void bindingProblem(JsonProcessingException error) {
            List<JsonMappingException.Reference> path = error instanceof JsonMappingException mapping
                    ? mapping.getPath() : List.of();
            String relative = path.stream().map(JsonMappingException.Reference::getFieldName)
                    .collect(Collectors.joining("."));
            String field = boundPath + relative;
            String last = path.isEmpty() ? "" : path.get(path.size() - 1).getFieldName();
            JsonNode value = bound.at("/" + relative.replace(".", "/"));
            Class<?> type = error instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
            if (type == Integer.class) {
                problem(field, "must be a whole number of at least " + (last.equals("replicas") ? 0 : 1) + ", not "
                        + value);
            } else if (type == String.class && path.size() >= 2 && isMap(path.get(path.size() - 2).getFieldName())) {
                problem(field, "must be a plain value (string or number)");
            } else if (type == String.class) {
                problem(field, "must be a string");
            } else if (type != null && Map.class.isAssignableFrom(type)) {
                problem(field, "must be a mapping of names to values");
            } else {
                problem(field.isEmpty() ? null : field, "must be a mapping");
            }
        }

        private static boolean isMap(String field) {
            return List.of("labels", "selector", "config").contains(field);
        }

        private void problem(String field, String message) {
            problems.add(label + (field == null ? "" : ": " + field) + ": " + message);
        }
    }
}
