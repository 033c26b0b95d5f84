package org.vvmhost.leadership;

import java.util.List;
import java.util.Objects;

/** One operation of a fenced {@link Term#write}. Keys are relative to the election's data namespace. */
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

    /** Whether this operation writes or deletes {@code key}. */
    default boolean touches(String key) {
        if (this instanceof Put put) {
            return put.key().equals(key);
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
