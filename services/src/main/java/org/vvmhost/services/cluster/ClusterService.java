package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.Objects;

/** A Service: routes to the ready containers whose labels contain {@code selector}, through {@code balancer}. */
public record ClusterService(Metadata metadata, Map<String, String> selector, BalancerKind balancer) implements Resource {

    public ClusterService {
        Objects.requireNonNull(metadata, "metadata");
        selector = Map.copyOf(Objects.requireNonNull(selector, "selector"));
        Objects.requireNonNull(balancer, "balancer");
    }

    public static ClusterService of(String name, Map<String, String> selector, BalancerKind balancer) {
        return new ClusterService(Metadata.of(name), selector, balancer);
    }

    @Override
    public ClusterService withMetadata(Metadata newMetadata) {
        return new ClusterService(newMetadata, selector, balancer);
    }

    /** Whether {@code labels} contain every pair of the selector. An empty selector matches nothing. */
    public boolean selects(Map<String, String> labels) {
        return Labels.selects(selector, labels);
    }
}
