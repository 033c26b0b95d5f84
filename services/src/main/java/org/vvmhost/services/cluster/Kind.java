package org.vvmhost.services.cluster;

/** The kinds of resource the store holds; {@link #manifestName()} is the {@code kind:} of a manifest. */
public enum Kind {
    CONTAINER("Container"),
    REPLICA_SET("ReplicaSet"),
    SERVICE("Service");

    private final String manifestName;

    Kind(String manifestName) {
        this.manifestName = manifestName;
    }

    public String manifestName() {
        return manifestName;
    }
}
