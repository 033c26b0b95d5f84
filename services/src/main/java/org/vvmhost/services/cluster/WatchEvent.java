package org.vvmhost.services.cluster;

import java.util.Objects;

/**
 * One change in the store. {@code revision} is the store's revision after the change; a watcher sees events in
 * increasing revision order. For DELETED, {@code resource} is the last stored state.
 */
public record WatchEvent(Type type, Resource resource, long revision) {

    public enum Type { ADDED, MODIFIED, DELETED }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resource, "resource");
    }
}
