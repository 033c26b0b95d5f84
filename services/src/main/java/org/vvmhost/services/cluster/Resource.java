package org.vvmhost.services.cluster;

/** A record the {@link ResourceStore} holds. */
public sealed interface Resource permits Container, ReplicaSet, ClusterService {

    Metadata metadata();

    default Kind kind() {
        return Kind.of(this);
    }

    /** This resource with other metadata (the store uses it to stamp the resourceVersion). */
    Resource withMetadata(Metadata metadata);

    default String name() {
        return metadata().name();
    }

    default long resourceVersion() {
        return metadata().resourceVersion();
    }
}
