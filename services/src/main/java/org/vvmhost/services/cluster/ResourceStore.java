package org.vvmhost.services.cluster;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A thread-safe, versioned, watchable store of Containers, ReplicaSets and Services, like a tiny API server.
 *
 * <p>Every write bumps one store-wide revision and stamps it as the written resource's {@code resourceVersion}.
 * {@link #update} and the versioned {@link #delete(Kind, String, long)} succeed only if the caller's version is
 * the current one (optimistic concurrency); otherwise they throw {@link ConflictException}.
 *
 * <p>Watchers receive every change in revision order, one at a time, never under the store's lock. Listeners
 * must be short: they run on the writing thread (or on another writer's thread that is delivering).
 */
public interface ResourceStore {

    static ResourceStore create() {
        return new InMemoryResourceStore();
    }

    /** Stores a new resource; its {@code resourceVersion} is ignored. Throws {@link AlreadyExistsException}. */
    <R extends Resource> R create(R resource);

    /** Replaces a resource if its {@code resourceVersion} is current. Throws {@link ConflictException},
     *  {@link UnknownTargetException} if it does not exist. */
    <R extends Resource> R update(R resource);

    /** Deletes whatever version is stored; returns whether something was deleted. */
    boolean delete(Kind kind, String name);

    /** Deletes only if the stored version is {@code expectedVersion}; throws {@link ConflictException} if not. */
    void delete(Kind kind, String name, long expectedVersion);

    <R extends Resource> Optional<R> get(Class<R> type, String name);

    /** All resources of a type, ordered by name. */
    <R extends Resource> List<R> list(Class<R> type);

    /** The current store revision. */
    long revision();

    /**
     * Watches every change. If {@code replay}, the listener first gets an ADDED event for each stored resource,
     * atomically with the registration, so that it misses nothing and sees nothing twice.
     */
    Subscription watch(boolean replay, Consumer<WatchEvent> listener);
}
