package org.vvmhost.services.world.cluster;

import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.world.cluster.AssignmentTable.Action;
import org.vvmhost.services.world.cluster.AssignmentTable.Event;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Adopt;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Copy;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Follow;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Release;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Reset;
import org.vvmhost.services.world.cluster.SimulatorProtocol.SimulatorRequest;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Unfollow;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.services.world.core.WorldCore;

/**
 * Carries out the {@link AssignmentTable}'s actions with the simulator protocol and reports how each went, as
 * events for the table. Area states in transit (a stopping simulator's hand-over, a spawn, a rewind, a parked area)
 * wait here until a simulator takes them. A state always goes to its new holder before authority does: the full
 * state, acknowledged, then the grant, acknowledged.
 *
 * <p>Not thread-safe: the coordinator's thread runs it.
 */
final class Handover {

    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);

    private record Key(int set, int area) {
    }

    private final Cluster cluster;
    private final WorldCore core;
    private final Duration timeout;
    private final Map<Key, AreaState> states = new HashMap<>();

    Handover(Cluster cluster, WorldCore core, Duration timeout) {
        this.cluster = cluster;
        this.core = core;
        this.timeout = timeout;
    }

    /** Keeps {@code state} of set {@code s} until a {@link AssignmentTable.Place} gives it to a simulator. */
    void hold(int s, AreaState state) {
        states.put(new Key(s, state.area()), state);
    }

    /** Forgets every state held: the world is handed out afresh. */
    void clear() {
        states.clear();
    }

    /** Runs {@code action}, which {@code before} the table's decision led to; adds the outcomes to report. */
    void run(Action action, AssignmentTable before, Deque<Event> outcomes) {
        if (action instanceof AssignmentTable.Drop drop) {
            tryAsk(drop.container(), new Reset(), "could not be reset");
        } else if (action instanceof AssignmentTable.Place place) {
            place(place, outcomes);
        } else if (action instanceof AssignmentTable.Move move) {
            String set = core.sets().get(move.set()).name();
            AreaState state = tryAsk(move.from(), new Release(move.area()), "did not release " + set + " area "
                    + move.area());
            if (state == null) {
                outcomes.add(new AssignmentTable.Kept(move.set(), move.area(), move.from(),
                        move.fromEpoch()));
            } else if (transfer(move.set(), state, move.to(), move.epoch())) {
                LOG.info("{} area {} ({} entities): moved from {} to {} to even the load", set, move.area(),
                        before.entities(move.area()), move.from(), move.to());
            } else {
                park(move.set(), state, outcomes);
            }
        } else if (action instanceof AssignmentTable.AddPassive add) {
            List<AreaState> copies = tryAsk(add.owner(), new Copy(new int[] {add.area()}), "gave no copy of "
                    + "area " + add.area() + " for a new passive");
            if (copies == null || tryAsk(add.passive(), new Follow(copies.get(0)), "could not become a passive")
                    == null) {
                outcomes.add(new AssignmentTable.PassiveFailed(add.set(), add.area(), add.passive()));
            }
        } else if (action instanceof AssignmentTable.RemovePassive remove) {
            tryAsk(remove.passive(), new Unfollow(remove.area()), "did not drop its copy of area " + remove.area());
        }
    }

    /** Tries the candidates in order; reports where the area went, or parks or loses it. */
    private void place(AssignmentTable.Place place, Deque<Event> outcomes) {
        int s = place.set();
        String set = core.sets().get(s).name();
        AreaState state = place.synced() ? null : states.remove(new Key(s, place.area()));
        for (int i = 0; i < place.candidates().size(); i++) {
            String to = place.candidates().get(i);
            AssignmentTable.Kind kind = place.kinds().get(i);
            if (state == null ? adopt(s, place.area(), to, place.epochs()[i]) : transfer(s, state, to,
                    place.epochs()[i])) {
                outcomes.add(new AssignmentTable.Placed(s, place.area(), to, place.epochs()[i], kind));
                switch (kind) {
                    case PROMOTED -> LOG.info("{} area {}: passive {} promoted {}", set, place.area(), to,
                            place.synced() ? "with the last completed tick" : "after an acknowledged sync");
                    case MIGRATED -> LOG.info("{} area {}: migrated to {} (full snapshot, acknowledged, then "
                            + "authority)", set, place.area(), to);
                    case UNPARKED -> LOG.info("{} area {}: parked state taken over by {}", set, place.area(), to);
                    case ASSIGNED, MOVED -> {
                    }
                }
                return;
            }
        }
        if (state != null && place.parkIfUnplaced()) {
            park(s, state, outcomes);
        } else {
            outcomes.add(new AssignmentTable.Unplaced(s, place.area(), "no passive could be promoted"));
        }
    }

    private void park(int s, AreaState state, Deque<Event> outcomes) {
        states.put(new Key(s, state.area()), state);
        outcomes.add(new AssignmentTable.Parked(s, state.area()));
        LOG.error("{} area {}: no simulator of the set can take it over; its state is kept until one appears",
                core.sets().get(s).name(), state.area());
    }

    /** Gives {@code to} the state (acknowledged), then authority (acknowledged). False if {@code to} failed. */
    private boolean transfer(int s, AreaState state, String to, long epoch) {
        String what = "could not take " + core.sets().get(s).name() + " area " + state.area();
        return tryAsk(to, new Follow(state), what) != null && adopt(s, state.area(), to, epoch);
    }

    private boolean adopt(int s, int area, String to, long epoch) {
        AuthorityGrant grant = new AuthorityGrant(core.sets().get(s).name(), area, to, epoch);
        return Boolean.TRUE.equals(tryAsk(to, new Adopt(grant), "could not take authority over area " + area));
    }

    /** The reply, or null (logged) if {@code container} failed to give one. */
    private <R> R tryAsk(String container, SimulatorRequest<R> message, String failure) {
        try {
            return SimulatorFailure.await(container, cluster.request(container, message, timeout));
        } catch (SimulatorFailure e) {
            LOG.warn("{} {}: {}", container, failure, e.getMessage());
            return null;
        }
    }
}
