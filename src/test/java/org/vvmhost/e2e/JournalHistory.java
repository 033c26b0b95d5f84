package org.vvmhost.e2e;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every command journal entry a leader ever stored, read from etcd's revision history rather than from what is left:
 * leaders trim the journal behind their views, but etcd keeps every revision until it is compacted (and nothing
 * compacts the test's etcd). Each journal write is a transaction of one key, so a revision holds at most one entry.
 */
final class JournalHistory {

    private static final int IN_FLIGHT = 64;

    private JournalHistory() {
    }

    /** The value of every put under {@code <election>-data/journal/}, in revision order. */
    static List<String> entries(URI endpoint, String election, Duration timeout) throws Exception {
        String prefix = election + "-data/journal/";
        try (Client client = Client.builder().endpoints(endpoint).build()) {
            KV kv = client.getKVClient();
            long last = kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).getHeader().getRevision();
            List<String> values = new ArrayList<>();
            for (long from = 1; from <= last; from += IN_FLIGHT) {
                List<CompletableFuture<GetResponse>> reads = new ArrayList<>();
                for (long revision = from; revision < from + IN_FLIGHT && revision <= last; revision++) {
                    reads.add(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withRevision(revision)
                            .withMinModRevision(revision).withMaxModRevision(revision).build()));
                }
                for (CompletableFuture<GetResponse> read : reads) {
                    for (KeyValue written : read.get(timeout.toMillis(), TimeUnit.MILLISECONDS).getKvs()) {
                        values.add(written.getValue().toString(StandardCharsets.UTF_8));
                    }
                }
            }
            return values;
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
