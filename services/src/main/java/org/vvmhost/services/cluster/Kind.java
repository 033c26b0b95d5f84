package org.vvmhost.services.cluster;

/** The kinds of resource the store holds; {@link #manifestName()} is the {@code kind:} of a manifest. */
public enum Kind {
    CONTAINER("Container", Container.class),
    REPLICA_SET("ReplicaSet", ReplicaSet.class),
    SERVICE("Service", ClusterService.class);

    private final String manifestName;
    private final Class<? extends Resource> type;

    Kind(String manifestName, Class<? extends Resource> type) {
        this.manifestName = manifestName;
        this.type = type;
    }

    public String manifestName() {
        return manifestName;
    }

    static Kind of(Resource resource) {
        for (Kind kind : values()) {
            if (kind.type == resource.getClass()) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no kind of resource is " + resource.getClass().getSimpleName());
    }
}
