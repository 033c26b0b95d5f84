package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.ElectionLayout.bytes;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.time.Clock;

/** Reads and watches {@code <election>-data/}. Listeners run on the leadership's notifier thread, in order. */
final class EtcdDataStore implements DataStore {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdDataStore.class);
    private static final Duration RESUBSCRIBE_DELAY = Duration.ofMillis(500);

    private final KV kv;
    private final Watch watches;
    private final ElectionLayout layout;
    private final Executor notifier;
    private final Clock clock;
    private final EtcdIdentity identity;
    private final Set<KeyWatch> open = ConcurrentHashMap.newKeySet();

    EtcdDataStore(KV kv, Watch watches, ElectionLayout layout, Executor notifier, Clock clock, EtcdIdentity identity) {
        this.kv = kv;
        this.watches = watches;
        this.layout = layout;
        this.notifier = notifier;
        this.clock = clock;
        this.identity = identity;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        Objects.requireNonNull(key, "key");
        return identity.track(() -> kv.get(bytes(layout.dataKey(key))), true)
                .handle((reply, failure) -> {
                    if (failure != null) {
                        throw EtcdErrors.translate("read " + key, failure);
                    }
                    return reply.getKvs().isEmpty() ? Optional.<byte[]>empty()
                            : Optional.of(reply.getKvs().get(0).getValue().getBytes());
                });
    }

    @Override
    public CompletableFuture<SortedMap<String, byte[]>> scan(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        GetOption option = GetOption.builder().isPrefix(true).build();
        return identity.track(() -> kv.get(bytes(layout.dataKey(prefix)), option), true)
                .handle((reply, failure) -> {
                    if (failure != null) {
                        throw EtcdErrors.translate("scan " + prefix, failure);
                    }
                    SortedMap<String, byte[]> values = new TreeMap<>();
                    for (KeyValue kv : reply.getKvs()) {
                        values.put(layout.relativeDataKey(kv.getKey()), kv.getValue().getBytes());
                    }
                    return Collections.unmodifiableSortedMap(values);
                });
    }

    @Override
    public CompletableFuture<SortedSet<String>> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        GetOption option = GetOption.builder().isPrefix(true).withKeysOnly(true).build();
        return identity.track(() -> kv.get(bytes(layout.dataKey(prefix)), option), true)
                .handle((reply, failure) -> {
                    if (failure != null) {
                        throw EtcdErrors.translate("list " + prefix, failure);
                    }
                    SortedSet<String> keys = new TreeSet<>();
                    for (KeyValue kv : reply.getKvs()) {
                        keys.add(layout.relativeDataKey(kv.getKey()));
                    }
                    return Collections.unmodifiableSortedSet(keys);
                });
    }

    @Override
    public Subscription watch(String key, Consumer<Optional<byte[]>> listener) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(listener, "listener");
        KeyWatch watch = new KeyWatch(key, listener);
        open.add(watch);
        watch.subscribe();
        return watch::close;
    }

    /** Closes every open subscription, before the client goes. */
    void close() {
        open.forEach(KeyWatch::close);
    }

    /**
     * One subscription: read the current value, then watch from the next revision, so that no change falls
     * between the two. If the watch ends for good (for example after a compaction), it starts over.
     */
    private final class KeyWatch {
        private final String key;
        private final Consumer<Optional<byte[]>> listener;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile Watch.Watcher watcher;
        /** Reads failed in a row; only the jetcd callback of the one read in flight touches it. */
        private int failedReads;

        KeyWatch(String key, Consumer<Optional<byte[]>> listener) {
            this.key = key;
            this.listener = listener;
        }

        void subscribe() {
            if (closed.get()) {
                return;
            }
            identity.track(() -> kv.get(bytes(layout.dataKey(key))), true).whenComplete(this::startWatch);
        }

        private void startWatch(GetResponse current, Throwable failure) {
            if (closed.get()) {
                return;
            }
            if (failure != null) {
                // Doubles up to a cap, like the campaign's retries: one line per attempt, and few attempts.
                Duration delay = RESUBSCRIBE_DELAY.multipliedBy(1L << Math.min(failedReads, 2));
                failedReads++;
                LOG.warn("watch of data key {}: {}; trying again in {} ms", key,
                        EtcdErrors.translate("read", failure).getMessage(), delay.toMillis());
                clock.schedule(delay, this::subscribe);
                return;
            }
            failedReads = 0;
            deliver(current.getKvs().isEmpty() ? Optional.empty()
                    : Optional.of(current.getKvs().get(0).getValue().getBytes()));
            WatchOption option = WatchOption.builder().withRevision(current.getHeader().getRevision() + 1).build();
            EtcdIdentity.Known sent = identity.mark();
            watcher = watches.watch(bytes(layout.dataKey(key)), option, new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    identity.observe(sent, response.getHeader(), false);
                    for (WatchEvent event : response.getEvents()) {
                        deliver(event.getEventType() == WatchEvent.EventType.PUT
                                ? Optional.of(event.getKeyValue().getValue().getBytes())
                                : Optional.empty());
                    }
                }

                @Override
                public void onError(Throwable error) {
                    LOG.debug("watch of data key {} interrupted; jetcd resumes it", key, error);
                }

                @Override
                public void onCompleted() {
                    if (!closed.get()) {
                        clock.schedule(RESUBSCRIBE_DELAY, KeyWatch.this::subscribe);
                    }
                }
            });
            if (closed.get()) {
                watcher.close();
            }
        }

        private void deliver(Optional<byte[]> value) {
            try {
                notifier.execute(() -> {
                    if (!closed.get()) {
                        listener.accept(value);
                    }
                });
            } catch (RejectedExecutionException e) {
                closed.set(true);
            }
        }

        void close() {
            open.remove(this);
            if (closed.compareAndSet(false, true)) {
                Watch.Watcher current = watcher;
                if (current != null) {
                    current.close();
                }
            }
        }
    }
}
