package org.vvmhost.leadership;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The election's shared data, readable by every candidate. Keys are relative to a data namespace that the
 * implementation keeps apart from the election's own keys (on etcd: {@code <election>-data/}). Only a
 * {@link Term} writes, fenced.
 */
public interface DataStore {

    /**
     * The election's fencing epoch, written by the first leader of each incarnation of the data (see
     * {@link FencingToken}). Readable like any key; no {@link Term#write} may touch it.
     */
    String EPOCH_KEY = "epoch";

    /**
     * The switchover intent of a planned switchover, if one is under way (see {@link SwitchoverIntent}): written by
     * {@link Term#nameSuccessor}, readable like any key; no {@link Term#write} may touch it.
     */
    String SWITCHOVER_KEY = "switchover";

    CompletableFuture<Optional<byte[]>> get(String key);

    /** All keys that start with {@code prefix}, in key order. */
    CompletableFuture<SortedMap<String, byte[]>> scan(String prefix);

    /**
     * The keys that start with {@code prefix}, in key order, without their values: a listing of large values (world
     * view chunks) that a scan would bring back whole.
     */
    default CompletableFuture<SortedSet<String>> keys(String prefix) {
        return scan(prefix).thenApply(values -> Collections.unmodifiableSortedSet(new TreeSet<>(values.keySet())));
    }

    /**
     * Calls {@code listener} first with the key's current value, read as the subscription begins (empty when
     * absent), then with the value after every later change (empty when deleted), in order. A change made before
     * that first call may be folded into it. Close the returned handle to stop.
     */
    Subscription watch(String key, Consumer<Optional<byte[]>> listener);

    /** An open watch. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
