package org.vvmhost.services.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Keeps each ReplicaSet's live containers at {@code replicas}. Ownership is by the container's {@code owner} field,
 * never by name, so any replica may be deleted or killed. A replica that has ended for good (its restart policy
 * will not restart it) is deleted and replaced; extra replicas are deleted, not-ready ones and then the newest
 * names first. Deleting a ReplicaSet deletes its containers.
 */
final class ReplicaSetController implements Reconciler {

    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int SUFFIX_LENGTH = 5;

    private final ResourceStore store;
    private final SplittableRandom random;
    private final Set<String> known = new HashSet<>();

    ReplicaSetController(ResourceStore store, ClusterOptions options) {
        this.store = store;
        this.random = new SplittableRandom(options.seed() ^ 0x5eed5e7L);
    }

    @Override
    public void keysOf(WatchEvent event, Consumer<String> queue) {
        if (event.resource() instanceof ReplicaSet replicaSet) {
            queue.accept(replicaSet.name());
        } else if (event.resource() instanceof Container container && !container.owner().isEmpty()) {
            queue.accept(container.owner());
        }
    }

    @Override
    public Iterable<String> allKeys() {
        return Reconciler.withStored(known, store, ReplicaSet.class);
    }

    @Override
    public void reconcile(String name) {
        List<Container> owned = new ArrayList<>();
        for (Container container : store.list(Container.class)) {
            if (container.owner().equals(name)) {
                owned.add(container);
            }
        }
        Optional<ReplicaSet> stored = store.get(ReplicaSet.class, name);
        if (stored.isEmpty()) {
            for (Container container : owned) {
                store.delete(Kind.CONTAINER, container.name());
            }
            known.remove(name);
            return;
        }
        known.add(name);
        ReplicaSet replicaSet = stored.get();
        List<Container> live = new ArrayList<>();
        for (Container container : owned) {
            ContainerStatus status = container.status();
            if (status.isEnded() && !container.spec().restartPolicy().restarts(status.phase())) {
                store.delete(Kind.CONTAINER, container.name());
            } else {
                live.add(container);
            }
        }
        int missing = replicaSet.replicas() - live.size();
        for (int i = 0; i < missing; i++) {
            createReplica(replicaSet);
        }
        if (missing < 0) {
            live.sort(Comparator.comparing((Container c) -> c.status().ready())
                    .thenComparing(Container::name, Comparator.reverseOrder()));
            for (Container extra : live.subList(0, -missing)) {
                store.delete(Kind.CONTAINER, extra.name());
            }
        }
    }

    private void createReplica(ReplicaSet replicaSet) {
        ContainerTemplate template = replicaSet.template();
        while (true) {
            String name = replicaSet.name() + "-" + suffix();
            if (store.get(Container.class, name).isPresent()) {
                continue;
            }
            try {
                store.create(new Container(Metadata.of(name, template.labels()), template.spec(), replicaSet.name(),
                        ContainerStatus.pending()));
                return;
            } catch (AlreadyExistsException e) {
                // Someone took the name between the check and the create: draw another.
            }
        }
    }

    private String suffix() {
        StringBuilder suffix = new StringBuilder(SUFFIX_LENGTH);
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }
}
