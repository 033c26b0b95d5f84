package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import org.vvmhost.leadership.DataStore;

/**
 * Where an election lives in etcd. Candidates are {@code <election>/<leaseIdHex>}, the layout of etcd's own
 * {@code concurrency} election, so {@code etcdctl elect -l <election>} shows our leader. Shared data lives under
 * {@code <election>-data/}: a sibling, not a child, because etcd's election treats every key under
 * {@code <election>/} as a candidate, and a data key there would win or block elections.
 */
record ElectionLayout(String election) {

    String candidatePrefix() {
        return election + "/";
    }

    String candidateKey(long leaseId) {
        return candidatePrefix() + Long.toHexString(leaseId);
    }

    String dataPrefix() {
        return election + "-data/";
    }

    String dataKey(String relativeKey) {
        return dataPrefix() + relativeKey;
    }

    /** Where the fencing epoch lives: {@code <election>-data/epoch}. */
    String epochKey() {
        return dataKey(DataStore.EPOCH_KEY);
    }

    /** Where a switchover intent lives: {@code <election>-data/switchover}. */
    String switchoverKey() {
        return dataKey(DataStore.SWITCHOVER_KEY);
    }

    String relativeDataKey(ByteSequence absoluteKey) {
        return absoluteKey.toString(StandardCharsets.UTF_8).substring(dataPrefix().length());
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
