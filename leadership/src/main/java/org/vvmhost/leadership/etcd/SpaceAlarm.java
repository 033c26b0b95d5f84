package org.vvmhost.leadership.etcd;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's NOSPACE alarm, as one leadership meets it: reported once when a write or lease grant is first refused for
 * lack of space, with what to do, and once more when etcd accepts writes again. Every refusal in between is the same
 * news and is not repeated. Thread-safe.
 */
final class SpaceAlarm {

    private static final Logger LOG = LoggerFactory.getLogger(SpaceAlarm.class);

    private final String election;
    private final AtomicBoolean raised = new AtomicBoolean();

    SpaceAlarm(String election) {
        this.election = election;
    }

    /** Whether {@code failure} is etcd's NOSPACE; the first of an episode is logged. */
    boolean refused(String action, Throwable failure) {
        if (!EtcdErrors.isNoSpace(failure)) {
            return false;
        }
        if (raised.compareAndSet(false, true)) {
            LOG.error("etcd is out of space ({} was refused: {}): it accepts no writes and grants no leases, so no "
                    + "world view can be saved and no standby can take over the election {}; the leader keeps "
                    + "leading while its lease lives. To fix: compact etcd's history (the leader compacts it on a "
                    + "schedule), defragment every member with 'etcdctl defrag --cluster', then clear the alarm with "
                    + "'etcdctl alarm disarm'; give etcd a larger --quota-backend-bytes if it keeps filling up",
                    action, EtcdErrors.rootMessage(failure), election);
        }
        return true;
    }

    /** A write or lease grant went through: the alarm, if it was raised, is over. */
    void accepted() {
        if (raised.compareAndSet(true, false)) {
            LOG.info("etcd accepts writes again: its NOSPACE alarm for the election {} is over", election);
        }
    }
}
