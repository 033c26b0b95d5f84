package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.time.Clock;

/** What a campaign and its terms share with their leadership. */
record EtcdContext(
        Candidate candidate,
        String description,
        ElectionLayout layout,
        LeaseSettings lease,
        Clock clock,
        KV kv,
        Lease leases,
        Watch watches,
        Executor notifier,
        Duration operationTimeout,
        Consumer<EtcdTerm> onTerm) {

    void termStarted(EtcdTerm term) {
        onTerm.accept(term);
    }
}
