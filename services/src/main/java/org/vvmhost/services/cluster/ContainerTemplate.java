package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.Objects;

/** The labels and spec a ReplicaSet gives each container it creates. */
public record ContainerTemplate(Map<String, String> labels, ContainerSpec spec) {

    public ContainerTemplate {
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(spec, "spec");
    }
}
