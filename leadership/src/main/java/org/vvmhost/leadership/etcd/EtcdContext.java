package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.LeaseObserver;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.time.Clock;

/** What a campaign and its terms share with their leadership. */
record EtcdContext(
        Candidate candidate,
        EtcdSettings settings,
        String description,
        Clock clock,
        KV kv,
        Lease leases,
        Watch watches,
        Executor notifier,
        EtcdIdentity identity,
        SpaceAlarm space,
        LeaseObserver leaseObserver,
        Consumer<EtcdTerm> onTerm) {

    ElectionLayout layout() {
        return new ElectionLayout(settings.election());
    }

    LeaseSettings lease() {
        return settings.lease();
    }

    /** The bound on one etcd call of a campaign or a release. */
    Duration operationTimeout() {
        return settings.lease().ttl();
    }

    void termStarted(EtcdTerm term) {
        onTerm.accept(term);
    }
}
