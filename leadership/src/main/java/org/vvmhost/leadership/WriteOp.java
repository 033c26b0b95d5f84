package org.vvmhost.leadership;

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
