package org.vvmhost.services.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes are serialized by one lock, which also appends the change to every watcher's queue, so each queue is
 * in revision order. Delivery happens after the lock is released: whichever thread finds a watcher idle drains
 * its queue, so one watcher never runs two events at once nor out of order. Reads are lock-free.
 */
final class InMemoryResourceStore implements ResourceStore {

    private static final Logger log = LoggerFactory.getLogger(InMemoryResourceStore.class);

    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<Kind, ConcurrentHashMap<String, Resource>> byKind = new ConcurrentHashMap<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private volatile long revision;

    InMemoryResourceStore() {
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new ConcurrentHashMap<>());
        }
    }

    @Override
    public <R extends Resource> R create(R resource) {
        return put(resource, WatchEvent.Type.ADDED, current -> {
            if (current != null) {
                throw new AlreadyExistsException(
                        resource.kind().manifestName() + " '" + resource.name() + "' already exists");
            }
        });
    }

    @Override
    public <R extends Resource> R update(R resource) {
        return put(resource, WatchEvent.Type.MODIFIED, current -> {
            if (current == null) {
                throw new UnknownTargetException(
                        resource.kind().manifestName() + " '" + resource.name() + "' does not exist");
            }
            if (current.resourceVersion() != resource.resourceVersion()) {
                throw conflict(resource.kind(), resource.name(), resource.resourceVersion(), current.resourceVersion());
            }
        });
    }

    /**
     * Stores {@code resource} at the next revision once {@code check} accepted what is stored under its name (null
     * if nothing), and tells the watchers.
     */
    private <R extends Resource> R put(R resource, WatchEvent.Type type, Consumer<Resource> check) {
        R stored;
        writeLock.lock();
        try {
            Map<String, Resource> table = byKind.get(resource.kind());
            check.accept(table.get(resource.name()));
            stored = stamp(resource, ++revision);
            table.put(stored.name(), stored);
            publish(new WatchEvent(type, stored, revision));
        } finally {
            writeLock.unlock();
        }
        deliver();
        return stored;
    }

    @Override
    public boolean delete(Kind kind, String name) {
        return deleteIf(kind, name, -1);
    }

    @Override
    public void delete(Kind kind, String name, long expectedVersion) {
        if (!deleteIf(kind, name, expectedVersion)) {
            throw new UnknownTargetException(kind.manifestName() + " '" + name + "' does not exist");
        }
    }

    private boolean deleteIf(Kind kind, String name, long expectedVersion) {
        writeLock.lock();
        try {
            Map<String, Resource> table = byKind.get(kind);
            Resource current = table.get(name);
            if (current == null) {
                return false;
            }
            if (expectedVersion >= 0 && current.resourceVersion() != expectedVersion) {
                throw conflict(kind, name, expectedVersion, current.resourceVersion());
            }
            table.remove(name);
            publish(new WatchEvent(WatchEvent.Type.DELETED, current, ++revision));
        } finally {
            writeLock.unlock();
        }
        deliver();
        return true;
    }

    @Override
    public <R extends Resource> Optional<R> get(Class<R> type, String name) {
        Resource found = byKind.get(kindOf(type)).get(name);
        return Optional.ofNullable(found).map(type::cast);
    }

    @Override
    public <R extends Resource> List<R> list(Class<R> type) {
        List<R> all = new ArrayList<>();
        for (Resource resource : byKind.get(kindOf(type)).values()) {
            all.add(type.cast(resource));
        }
        all.sort(Comparator.comparing(Resource::name));
        return all;
    }

    @Override
    public long revision() {
        return revision;
    }

    @Override
    public Subscription watch(boolean replay, Consumer<WatchEvent> listener) {
        Watcher watcher = new Watcher(listener);
        writeLock.lock();
        try {
            if (replay) {
                for (Kind kind : Kind.values()) {
                    byKind.get(kind).values().stream()
                            .sorted(Comparator.comparing(Resource::name))
                            .forEach(r -> watcher.queue.add(new WatchEvent(WatchEvent.Type.ADDED, r, revision)));
                }
            }
            watchers.add(watcher);
        } finally {
            writeLock.unlock();
        }
        watcher.drain();
        return () -> {
            watcher.closed.set(true);
            watchers.remove(watcher);
        };
    }

    private void publish(WatchEvent event) {
        for (Watcher watcher : watchers) {
            watcher.queue.add(event);
        }
    }

    private void deliver() {
        for (Watcher watcher : watchers) {
            watcher.drain();
        }
    }

    private static ConflictException conflict(Kind kind, String name, long given, long current) {
        return new ConflictException(kind.manifestName() + " '" + name + "' is at resourceVersion " + current
                + ", not " + given + ": read it again and retry");
    }

    @SuppressWarnings("unchecked")
    private static <R extends Resource> R stamp(R resource, long version) {
        return (R) resource.withMetadata(resource.metadata().withResourceVersion(version));
    }

    private static Kind kindOf(Class<? extends Resource> type) {
        if (type == Container.class) {
            return Kind.CONTAINER;
        }
        if (type == ReplicaSet.class) {
            return Kind.REPLICA_SET;
        }
        if (type == ClusterService.class) {
            return Kind.SERVICE;
        }
        throw new IllegalArgumentException("not a resource type: " + type.getName());
    }

    private static final class Watcher {
        final Consumer<WatchEvent> listener;
        final Queue<WatchEvent> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger pending = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();

        Watcher(Consumer<WatchEvent> listener) {
            this.listener = listener;
        }

        /** Work-in-progress counter: only the thread that moves it from 0 delivers; others leave work to it. */
        void drain() {
            if (pending.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                WatchEvent event;
                while ((event = queue.poll()) != null) {
                    if (closed.get()) {
                        continue;
                    }
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        // A listener's bug must not stop delivery to it or to others; it is reported, not hidden.
                        log.error("Watch listener failed on {} {}", event.type(), event.resource().name(), e);
                    }
                }
                missed = pending.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
