package org.vvmhost.services.world.view;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;

/**
 * A test double of an election's data: a sorted key space, and terms whose writes are fenced by the latest
 * fencing token, as on etcd. Only what the world view store uses is implemented.
 */
final class FakeElection implements DataStore {

    private final TreeMap<String, byte[]> values = new TreeMap<>();
    private final List<Integer> putSizes = new ArrayList<>();
    private final java.util.Map<String, RuntimeException> failingReads = new java.util.HashMap<>();
    private long leaderToken;
    private int writesBeforeFailure = -1;

    /** A new term; every earlier term is deposed. */
    synchronized Term elect() {
        return new FakeTerm(++leaderToken);
    }

    synchronized List<Integer> putSizes() {
        return List.copyOf(putSizes);
    }

    synchronized SortedMap<String, byte[]> contents() {
        return new TreeMap<>(values);
    }

    /** Flips one bit of a stored value, as a bad disk or a buggy writer would. */
    synchronized void corrupt(String key, int offset) {
        values.get(key)[offset] ^= 0x10;
    }

    /** Puts {@code value} as an operator's {@code etcdctl put} would, unfenced. */
    synchronized void put(String key, byte[] value) {
        values.put(key, value.clone());
    }

    /** Deletes {@code key} as {@code etcdctl del} would, unfenced. */
    synchronized void delete(String key) {
        values.remove(key);
    }

    /** The next read of {@code key} fails with {@code error}, as a read that times out or loses its connection. */
    synchronized void failNextRead(String key, RuntimeException error) {
        failingReads.put(key, error);
    }

    /** After {@code writes} more writes, every write fails, as when the writer crashes mid-save; -1: none fails. */
    synchronized void failWritesAfter(int writes) {
        writesBeforeFailure = writes;
    }

    @Override
    public synchronized CompletableFuture<Optional<byte[]>> get(String key) {
        RuntimeException failure = failingReads.remove(key);
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        return CompletableFuture.completedFuture(Optional.ofNullable(values.get(key)).map(byte[]::clone));
    }

    @Override
    public synchronized CompletableFuture<SortedMap<String, byte[]>> scan(String prefix) {
        SortedMap<String, byte[]> found = new TreeMap<>();
        values.tailMap(prefix).forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                found.put(key, value.clone());
            }
        });
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public Subscription watch(String key, Consumer<Optional<byte[]>> listener) {
        throw new UnsupportedOperationException("the world view store does not watch");
    }

    private synchronized CompletableFuture<Void> write(long token, List<WriteOp> ops) {
        if (token != leaderToken) {
            return CompletableFuture.failedFuture(new FencedWriteRejectedException(new FencingToken(1, token),
                    "fencing token " + token + " is stale; the leader holds " + leaderToken));
        }
        if (writesBeforeFailure == 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("the writer crashed"));
        }
        if (writesBeforeFailure > 0) {
            writesBeforeFailure--;
        }
        for (WriteOp op : ops) {
            if (op instanceof WriteOp.Put put) {
                values.put(put.key(), put.value().clone());
                putSizes.add(put.value().length);
            } else if (op instanceof WriteOp.Delete delete) {
                values.remove(delete.key());
            } else if (op instanceof WriteOp.DeletePrefix deletePrefix) {
                values.keySet().removeIf(key -> key.startsWith(deletePrefix.prefix()));
            } else if (op instanceof WriteOp.DeleteRange range) {
                values.subMap(range.from(), range.to()).clear();
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private final class FakeTerm implements Term {
        private final long token;

        FakeTerm(long token) {
            this.token = token;
        }

        @Override
        public FencingToken fencingToken() {
            return new FencingToken(1, token);
        }

        @Override
        public String leaderKey() {
            return "election/" + token;
        }

        @Override
        public Status status() {
            return Status.LEADING;
        }

        @Override
        public CompletableFuture<LeadershipLostException> lost() {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<Void> release() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> write(List<WriteOp> ops) {
            return FakeElection.this.write(token, ops);
        }

        @Override
        public CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("no switchover in these tests"));
        }
    }
}
