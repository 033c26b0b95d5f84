package org.vvmhost.leadership;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of a fenced {@link Term#write}. Keys are relative to the election's data namespace. {@link Expect}
 * is a condition of the write rather than a change; {@link PutBound} writes a key that lives only as long as another.
 */
public sealed interface WriteOp {

    record Put(String key, byte[] value) implements WriteOp {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    record Delete(String key) implements WriteOp {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }

    record DeletePrefix(String prefix) implements WriteOp {
        public DeletePrefix {
            Objects.requireNonNull(prefix, "prefix");
        }
    }

    /** Deletes every key {@code k} with {@code from ≤ k < to}, in key order. */
    record DeleteRange(String from, String to) implements WriteOp {
        public DeleteRange {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (from.compareTo(to) >= 0) {
                throw new IllegalArgumentException("an empty key range: '" + from + "' is not below '" + to + "'");
            }
        }
    }

    /**
     * A condition, not a change: the write applies only if {@code key} holds exactly {@code value} (empty: the key is
     * absent). Otherwise nothing is written and the write fails with {@link WriteConditionFailedException}.
     */
    record Expect(String key, Optional<byte[]> value) implements WriteOp {
        public Expect {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Puts {@code key}, bound to the life of the data key {@code owner}: on etcd it carries the owner's lease, so it
     * goes when that lease expires or is revoked. The write fails with {@link WriteConditionFailedException} if the
     * owner is absent (or, on etcd, has no lease, or was replaced while the write was under way).
     */
    record PutBound(String key, byte[] value, String owner) implements WriteOp {
        public PutBound {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(owner, "owner");
            if (key.equals(owner)) {
                throw new IllegalArgumentException("a key cannot be bound to itself: " + key);
            }
        }
    }

    /** Whether this operation writes or deletes {@code key}; a condition touches nothing. */
    default boolean touches(String key) {
        if (this instanceof Put put) {
            return put.key().equals(key);
        }
        if (this instanceof PutBound bound) {
            return bound.key().equals(key);
        }
        if (this instanceof Expect) {
            return false;
        }
        if (this instanceof Delete delete) {
            return delete.key().equals(key);
        }
        if (this instanceof DeleteRange range) {
            return range.from().compareTo(key) <= 0 && key.compareTo(range.to()) < 0;
        }
        return key.startsWith(((DeletePrefix) this).prefix());
    }

    /**
     * Refuses operations on the keys that belong to the election: {@link DataStore#EPOCH_KEY} (a service that
     * overwrote or deleted it would break the fencing of every later term) and {@link DataStore#SWITCHOVER_KEY}
     * (written through {@link Term#nameSuccessor} only).
     *
     * @throws IllegalArgumentException naming the operation
     */
    static void refuseReserved(List<WriteOp> ops) {
        for (WriteOp op : ops) {
            if (op.touches(DataStore.EPOCH_KEY)) {
                throw new IllegalArgumentException("the data key '" + DataStore.EPOCH_KEY + "' holds the election's "
                        + "fencing epoch; no term may write or delete it, but " + op + " would");
            }
            if (op.touches(DataStore.SWITCHOVER_KEY)) {
                throw new IllegalArgumentException("the data key '" + DataStore.SWITCHOVER_KEY + "' holds the "
                        + "election's switchover intent; no term may write or delete it, but " + op + " would");
            }
        }
    }

    static WriteOp put(String key, byte[] value) {
        return new Put(key, value);
    }

    /** Put {@code key}, bound to the life of {@code owner}: see {@link PutBound}. */
    static WriteOp putBound(String key, byte[] value, String owner) {
        return new PutBound(key, value, owner);
    }

    /** The write applies only if {@code key} holds {@code value} (empty: absent): see {@link Expect}. */
    static WriteOp expect(String key, Optional<byte[]> value) {
        return new Expect(key, value);
    }

    static WriteOp delete(String key) {
        return new Delete(key);
    }

    static WriteOp deletePrefix(String prefix) {
        return new DeletePrefix(prefix);
    }

    static WriteOp deleteRange(String from, String to) {
        return new DeleteRange(from, to);
    }
}
