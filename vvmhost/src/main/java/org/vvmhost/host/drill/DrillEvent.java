package org.vvmhost.host.drill;

import java.time.Instant;

/**
 * Something the drill did, for the timeline: a signal to a replica, a cut or a heal of its proxy, a fault of etcd.
 *
 * @param lane  the replica's name, or {@code etcd} for a fault of etcd itself
 * @param label what was done, as the timeline shows it, for example {@code SIGKILL} or {@code kill etcd-1}
 * @param round the round it belongs to; 0 for the drill's own start and stop
 */
record DrillEvent(Instant at, String lane, String label, int round) {

    static final String ETCD_LANE = "etcd";
}
