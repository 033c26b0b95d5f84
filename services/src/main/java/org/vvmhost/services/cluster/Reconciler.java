package org.vvmhost.services.cluster;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/** A controller's logic, which a {@link ControllerLoop} runs: the keys a change concerns, and how to reconcile one. */
interface Reconciler {

    /** Passes each key that {@code event} may concern to {@code queue}. */
    void keysOf(WatchEvent event, Consumer<String> queue);

    /** Brings what runs for {@code key} in line with what is stored; runs on the loop's executor, one at a time. */
    void reconcile(String key);

    /** Every key a resync goes over. */
    Iterable<String> allKeys();

    /** {@code known} and the names of every stored resource of {@code type}. */
    static Set<String> withStored(Collection<String> known, ResourceStore store, Class<? extends Resource> type) {
        Set<String> keys = new HashSet<>(known);
        for (Resource resource : store.list(type)) {
            keys.add(resource.name());
        }
        return keys;
    }
}
