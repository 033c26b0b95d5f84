package org.vvmhost.leadership;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The election's shared data, readable by every candidate. Keys are relative to a data namespace that the
 * implementation keeps apart from the election's own keys (on etcd: {@code <election>-data/}). Only a
 * {@link Term} writes, fenced.
 */
public interface DataStore {

    CompletableFuture<Optional<byte[]>> get(String key);

    /** All keys that start with {@code prefix}, in key order. */
    CompletableFuture<SortedMap<String, byte[]>> scan(String prefix);

    /**
     * The keys that start with {@code prefix}, in key order, without their values: one small reply however large the
     * values are, so that they can then be read one {@link #get} each.
     */
    CompletableFuture<List<String>> keys(String prefix);

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
