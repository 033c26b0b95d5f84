package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * A container: a worker thread that runs the function of {@code spec.image()}. {@code owner} names the
 * ReplicaSet that created it, or is empty. The status is written by the container controller.
 */
public record Container(Metadata metadata, ContainerSpec spec, String owner, ContainerStatus status) implements Resource {

    public Container {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(status, "status");
    }

    /** A standalone container of {@code image}, with no labels. */
    public static Container of(String name, String image) {
        return new Container(Metadata.of(name), ContainerSpec.of(image), "", ContainerStatus.pending());
    }

    /** A standalone container with labels and a spec. */
    public static Container of(String name, Map<String, String> labels, ContainerSpec spec) {
        return new Container(Metadata.of(name, labels), spec, "", ContainerStatus.pending());
    }

    @Override
    public Container withMetadata(Metadata newMetadata) {
        return new Container(newMetadata, spec, owner, status);
    }

    public Container withStatus(ContainerStatus newStatus) {
        return new Container(metadata, spec, owner, newStatus);
    }

    public Container withSpec(ContainerSpec newSpec) {
        return new Container(metadata, newSpec, owner, status);
    }

    public Map<String, String> labels() {
        return metadata.labels();
    }
}
