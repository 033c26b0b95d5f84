package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * Keeps {@code replicas} containers made from {@code template}, named {@code <name>-<random suffix>}. The
 * selector must match the template's labels.
 */
public record ReplicaSet(Metadata metadata, int replicas, Map<String, String> selector, ContainerTemplate template)
        implements Resource {

    public ReplicaSet {
        Objects.requireNonNull(metadata, "metadata");
        selector = Map.copyOf(Objects.requireNonNull(selector, "selector"));
        Objects.requireNonNull(template, "template");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more, not " + replicas);
        }
    }

    /** A ReplicaSet whose selector and template labels are {@code labels}. */
    public static ReplicaSet of(String name, int replicas, Map<String, String> labels, ContainerSpec spec) {
        return new ReplicaSet(Metadata.of(name), replicas, labels, new ContainerTemplate(labels, spec));
    }

    @Override
    public ReplicaSet withMetadata(Metadata newMetadata) {
        return new ReplicaSet(newMetadata, replicas, selector, template);
    }

    public ReplicaSet withReplicas(int count) {
        return new ReplicaSet(metadata, count, selector, template);
    }
}
