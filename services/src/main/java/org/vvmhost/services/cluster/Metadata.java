package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * Name, labels and version of a resource. The store assigns {@code resourceVersion}; an update must carry the
 * version it read (optimistic concurrency). A version of 0 means "not stored yet".
 */
public record Metadata(String name, Map<String, String> labels, long resourceVersion) {

    public Metadata {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    }

    public static Metadata of(String name) {
        return new Metadata(name, Map.of(), 0);
    }

    public static Metadata of(String name, Map<String, String> labels) {
        return new Metadata(name, labels, 0);
    }

    public Metadata withResourceVersion(long version) {
        return new Metadata(name, labels, version);
    }
}
