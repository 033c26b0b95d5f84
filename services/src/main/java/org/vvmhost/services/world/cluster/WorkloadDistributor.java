package org.vvmhost.services.world.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Adopt;
import org.vvmhost.services.world.cluster.SimulatorProtocol.AreaState;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Copy;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Follow;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Release;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Reset;
import org.vvmhost.services.world.cluster.SimulatorProtocol.Unfollow;
import org.vvmhost.services.world.core.AuthorityGrant;
import org.vvmhost.services.world.core.AuthorityTable;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.time.Clock;

/**
 * The authority issuer: it decides which simulator container is active for each (component set, area) and which
 * ones follow it as passives, and it moves authority when containers come and go.
 *
 * <p>Notices (a container is up, is down, is leaving with its areas) arrive from any thread into a queue; they are
 * applied only on the coordinator's thread, between two ticks or while the coordinator waits for a simulator that
 * did not answer, so an assignment never changes under a running step.
 *
 * <ul>
 *   <li>Graceful stop of an active: its stop hook hands over each area's state. A live passive gets it as a last
 *       sync, acknowledges, and is then granted authority. With no passive the area migrates to the least loaded
 *       simulator of the set: the full state, acknowledged, then the grant. The leaver stopped simulating before
 *       it handed over, so no events happen between the snapshot and the switch. With no simulator left the
 *       state is parked until one appears.</li>
 *   <li>Crash of an active: a passive (which holds the state of the last completed tick) is granted authority.
 *       With none, the area is lost and the coordinator rewinds the world to the latest world view.</li>
 *   <li>A new simulator: areas move from the most to the least loaded simulators of the set (by entity count)
 *       while that narrows the gap, and passives are filled up to {@code passives-per-area}.</li>
 * </ul>
 *
 * <p>Not thread-safe, except {@link #post}.
 */
final class WorkloadDistributor {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadDistributor.class);

    /** Something that happened to a simulator container. */
    sealed interface Notice permits Up, Stopping, Down, Leaving {
    }

    /** A simulator container of set {@code setIndex} runs and takes messages. */
    record Up(String container, int setIndex) implements Notice {
    }

    /**
     * A simulator container is being stopped gracefully ({@code deleted}: its resource is already gone, so no later
     * event will say it ended). Its hand-over is to follow; until then it gets no new roles.
     */
    record Stopping(String container, boolean deleted) implements Notice {
    }

    /** A simulator container ended or was deleted; whatever it held is gone. */
    record Down(String container, String reason) implements Notice {
    }

    /** A simulator container is stopping gracefully and hands over {@code states}; confirm on {@code handedOver}. */
    record Leaving(String container, int setIndex, List<AreaState> states, CompletableFuture<Void> handedOver)
            implements Notice {
    }

    private static final class Member {
        final int setIndex;
        boolean leaving;
        boolean deleted;
        boolean handedOver;

        Member(int setIndex) {
            this.setIndex = setIndex;
        }
    }

    private final Cluster cluster;
    private final Clock clock;
    private final List<ComponentSet> sets;
    private final AuthorityTable authority;
    private final int areaCount;
    private final int passivesPerArea;
    private final Duration timeout;
    private final LinkedBlockingQueue<Notice> inbox = new LinkedBlockingQueue<>();
    private final Map<String, Member> members = new TreeMap<>();
    private final Set<String> gone = new TreeSet<>();
    private final String[][] active;
    private final List<List<List<String>>> passives = new ArrayList<>();
    private final List<Map<Integer, AreaState>> parked = new ArrayList<>();
    private final long[] entities;
    private final List<String> lost = new ArrayList<>();
    private boolean membershipChanged;
    private long promotions;
    private long migrations;
    private long moves;

    WorkloadDistributor(Cluster cluster, WorldCore core, AuthorityTable authority, Duration timeout) {
        this.cluster = cluster;
        this.clock = cluster.clock();
        this.sets = core.sets();
        this.authority = authority;
        this.areaCount = core.geometry().areaCount();
        this.passivesPerArea = core.config().passivesPerArea();
        this.timeout = timeout;
        this.active = new String[sets.size()][areaCount];
        this.entities = new long[areaCount];
        for (int s = 0; s < sets.size(); s++) {
            List<List<String>> ofSet = new ArrayList<>();
            for (int a = 0; a < areaCount; a++) {
                ofSet.add(new ArrayList<>());
            }
            passives.add(ofSet);
            parked.add(new TreeMap<>());
        }
    }

    /** Queues a notice; any thread. */
    void post(Notice notice) {
        inbox.add(notice);
    }

    /** Applies the queued notices, then places parked areas, rebalances and fills passives if membership changed. */
    void settle() {
        for (Notice notice = inbox.poll(); notice != null; notice = inbox.poll()) {
            apply(notice);
        }
        afterChanges();
    }

    /**
     * Applies notices, waiting for them, until {@code container} is known to be gone or leaving: it did not answer
     * the coordinator.
     *
     * @throws IllegalStateException if the cluster says nothing about it within the timeout
     */
    void awaitResolution(String container) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (members.containsKey(container) && !members.get(container).handedOver) {
            Notice notice;
            try {
                notice = poll(deadline, "simulator " + container + " did not answer and did not hand over");
            } catch (IllegalStateException e) {
                // Silent past the deadline: whatever it holds is lost, as in a crash. Its grants are superseded.
                notice = new Down(container, e.getMessage());
            }
            apply(notice);
        }
        afterChanges();
    }

    /**
     * Waits until every set {@code s} has {@code wanted[s]} live simulators (at least one), and then places parked
     * areas. Waiting for more than one gives an even first assignment; fewer than wanted is accepted at the
     * deadline, none is not.
     */
    void awaitSimulators(int[] wanted) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        settle();
        for (int s = 0; s < sets.size(); s++) {
            while (live(s).size() < Math.max(1, wanted[s])) {
                if (!live(s).isEmpty() && clock.nanoTime() >= deadline) {
                    break;
                }
                try {
                    apply(poll(deadline, "no simulator container of component set '" + sets.get(s).name()
                            + "' is running"));
                } catch (IllegalStateException e) {
                    if (live(s).isEmpty()) {
                        throw e;
                    }
                }
            }
        }
        afterChanges();
    }

    private Notice poll(long deadline, String problem) {
        try {
            Notice notice = inbox.poll(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
            if (notice == null) {
                throw new IllegalStateException(problem + " within " + timeout);
            }
            return notice;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting: " + problem, e);
        }
    }

    private void apply(Notice notice) {
        if (notice instanceof Up up) {
            if (!gone.contains(up.container()) && !members.containsKey(up.container())) {
                members.put(up.container(), new Member(up.setIndex()));
                membershipChanged = true;
                LOG.info("Simulator {} of {} is up", up.container(), sets.get(up.setIndex()).name());
            }
        } else if (notice instanceof Stopping stopping) {
            Member member = members.get(stopping.container());
            if (member != null) {
                member.leaving = true;
                member.deleted |= stopping.deleted();
                membershipChanged = true;
            }
        } else if (notice instanceof Down down) {
            down(down);
        } else if (notice instanceof Leaving leaving) {
            leaving(leaving);
        }
    }

    private void down(Down down) {
        String name = down.container();
        Member member = members.remove(name);
        gone.add(name);
        if (member == null) {
            return;
        }
        membershipChanged = true;
        int s = member.setIndex;
        dropPassive(s, name);
        for (int area = 0; area < areaCount; area++) {
            if (name.equals(active[s][area])) {
                active[s][area] = null;
                promoteOrLose(s, area, "its active " + name + " crashed (" + down.reason() + ")");
            }
        }
        LOG.info("Simulator {} of {} is down: {}", name, sets.get(s).name(), down.reason());
    }

    private void leaving(Leaving leaving) {
        String name = leaving.container();
        Member member = members.get(name);
        if (member == null) {
            // Already down: its hand-over came too late to be trusted.
            leaving.handedOver().completeExceptionally(new IllegalStateException(name + " is already down"));
            return;
        }
        member.leaving = true;
        membershipChanged = true;
        int s = member.setIndex;
        dropPassive(s, name);
        for (AreaState state : leaving.states()) {
            if (name.equals(active[s][state.area()])) {
                handOver(s, state, name);
            }
        }
        for (int area = 0; area < areaCount; area++) {
            if (name.equals(active[s][area])) {
                active[s][area] = null;
                promoteOrLose(s, area, "its active " + name + " left without handing it over");
            }
        }
        member.handedOver = true;
        if (member.deleted) {
            // Its resource is gone already: no later event will report its end.
            members.remove(name);
            gone.add(name);
        }
        leaving.handedOver().complete(null);
    }

    /** A graceful hand-over of {@code state} from {@code from}: to a passive, else by migration, else parked. */
    private void handOver(int s, AreaState state, String from) {
        int area = state.area();
        active[s][area] = null;
        for (String passive : List.copyOf(passives.get(s).get(area))) {
            if (isLive(passive) && transfer(s, state, passive)) {
                promotions++;
                LOG.info("{} area {}: passive {} promoted after an acknowledged sync from {}",
                        sets.get(s).name(), area, passive, from);
                return;
            }
        }
        String target = leastLoaded(s);
        if (target != null && transfer(s, state, target)) {
            migrations++;
            LOG.info("{} area {}: migrated from {} to {} (full snapshot, acknowledged, then authority)",
                    sets.get(s).name(), area, from, target);
            return;
        }
        park(s, state);
    }

    private void park(int s, AreaState state) {
        parked.get(s).put(state.area(), state);
        LOG.error("{} area {}: no simulator of the set can take it over; its state is kept until one appears",
                sets.get(s).name(), state.area());
    }

    /**
     * Gives {@code to} the state (acknowledged), then authority over the area (acknowledged). False if {@code to}
     * failed on the way; the caller still holds the state.
     */
    private boolean transfer(int s, AreaState state, String to) {
        int area = state.area();
        try {
            ask(to, new Follow(state));
            AuthorityGrant grant = authority.issue(sets.get(s).name(), area, to);
            if (!ask(to, new Adopt(grant))) {
                return false;
            }
        } catch (SimulatorFailure e) {
            LOG.warn("{} area {}: could not hand it to {}: {}", sets.get(s).name(), area, to, e.getMessage());
            return false;
        }
        active[s][area] = to;
        passives.get(s).get(area).remove(to);
        return true;
    }

    /** The active of ({@code s}, {@code area}) is gone with its state: promote a passive, or the area is lost. */
    private void promoteOrLose(int s, int area, String why) {
        String set = sets.get(s).name();
        for (String passive : List.copyOf(passives.get(s).get(area))) {
            if (!isLive(passive)) {
                continue;
            }
            AuthorityGrant grant = authority.issue(set, area, passive);
            try {
                if (ask(passive, new Adopt(grant))) {
                    active[s][area] = passive;
                    passives.get(s).get(area).remove(passive);
                    promotions++;
                    LOG.warn("{} area {}: {}; passive {} promoted with the last completed tick", set, area, why,
                            passive);
                    return;
                }
            } catch (SimulatorFailure e) {
                LOG.warn("{} area {}: passive {} could not be promoted: {}", set, area, passive, e.getMessage());
            }
        }
        authority.revoke(set, area);
        String loss = set + " area " + area + " is lost: " + why + " and it had no passive to promote";
        lost.add(loss);
        LOG.error(loss);
    }

    private void afterChanges() {
        if (!lost.isEmpty()) {
            return;
        }
        for (int s = 0; s < sets.size(); s++) {
            Map<Integer, AreaState> waiting = parked.get(s);
            for (AreaState state : List.copyOf(waiting.values())) {
                String target = leastLoaded(s);
                if (target != null && transfer(s, state, target)) {
                    waiting.remove(state.area());
                    LOG.info("{} area {}: parked state taken over by {}", sets.get(s).name(), state.area(), target);
                }
            }
        }
        if (membershipChanged) {
            membershipChanged = false;
            for (int s = 0; s < sets.size(); s++) {
                rebalance(s);
                fillPassives(s);
            }
        }
    }

    /** Moves areas from the most to the least loaded simulator of the set while that narrows the gap. */
    private void rebalance(int s) {
        List<String> live = live(s);
        if (live.size() < 2) {
            return;
        }
        for (int round = 0; round < areaCount; round++) {
            Map<String, Long> loads = loads(s, live);
            String heaviest = live.stream().max(Comparator.comparingLong(loads::get)).orElseThrow();
            String lightest = live.stream().min(Comparator.comparingLong(loads::get)).orElseThrow();
            long gap = loads.get(heaviest) - loads.get(lightest);
            int best = -1;
            for (int area = 0; area < areaCount; area++) {
                if (heaviest.equals(active[s][area]) && entities[area] > 0 && entities[area] < gap
                        && (best < 0 || entities[area] > entities[best])) {
                    best = area;
                }
            }
            if (best < 0) {
                return;
            }
            move(s, best, heaviest, lightest);
        }
    }

    /** A controlled migration between two live simulators, between ticks. */
    private void move(int s, int area, String from, String to) {
        AreaState state;
        try {
            state = ask(from, new Release(area));
        } catch (SimulatorFailure e) {
            LOG.warn("{} area {}: {} did not release it: {}", sets.get(s).name(), area, from, e.getMessage());
            return;
        }
        active[s][area] = null;
        if (transfer(s, state, to)) {
            moves++;
            LOG.info("{} area {} ({} entities): moved from {} to {} to even the load", sets.get(s).name(), area,
                    entities[area], from, to);
        } else {
            park(s, state);
        }
    }

    /**
     * Keeps {@code min(passives-per-area, live simulators other than the active)} synced passives on every area. An
     * active that is leaving is not live, so its areas keep their passives: they are its hand-over's targets.
     */
    private void fillPassives(int s) {
        List<String> live = live(s);
        Map<String, Integer> roles = new TreeMap<>();
        for (String name : live) {
            roles.put(name, 0);
        }
        for (int area = 0; area < areaCount; area++) {
            List<String> ofArea = passives.get(s).get(area);
            String owner = active[s][area];
            int wanted = wantedPassives(live, owner);
            ofArea.removeIf(name -> !isLive(name) || name.equals(owner));
            while (ofArea.size() > wanted) {
                String dropped = ofArea.remove(ofArea.size() - 1);
                try {
                    ask(dropped, new Unfollow(area));
                } catch (SimulatorFailure e) {
                    LOG.debug("{} did not drop its copy of area {}: {}", dropped, area, e.getMessage());
                }
            }
            ofArea.forEach(name -> roles.merge(name, 1, Integer::sum));
        }
        for (int area = 0; area < areaCount; area++) {
            String owner = active[s][area];
            List<String> ofArea = passives.get(s).get(area);
            int wanted = wantedPassives(live, owner);
            if (owner == null || !isLive(owner) || ofArea.size() >= wanted) {
                continue;
            }
            AreaState state;
            try {
                state = ask(owner, new Copy(new int[] {area})).get(0);
            } catch (SimulatorFailure e) {
                LOG.warn("{} area {}: no copy from {} for a new passive: {}", sets.get(s).name(), area, owner,
                        e.getMessage());
                continue;
            }
            while (ofArea.size() < wanted) {
                String candidate = live.stream()
                        .filter(name -> !name.equals(owner) && !ofArea.contains(name))
                        .min(Comparator.comparingInt((String name) -> roles.get(name)).thenComparing(name -> name))
                        .orElse(null);
                if (candidate == null) {
                    break;
                }
                try {
                    ask(candidate, new Follow(state));
                    ofArea.add(candidate);
                    roles.merge(candidate, 1, Integer::sum);
                } catch (SimulatorFailure e) {
                    LOG.warn("{} area {}: {} could not become a passive: {}", sets.get(s).name(), area, candidate,
                            e.getMessage());
                    break;
                }
            }
        }
    }

    private int wantedPassives(List<String> live, String owner) {
        int others = live.contains(owner) ? live.size() - 1 : live.size();
        return Math.min(passivesPerArea, others);
    }

    /**
     * Hands out every area afresh: the spawn, or a rewind to a world view. Every live simulator first drops what
     * it holds; the areas go, largest first, to the least loaded simulator of their set.
     */
    void assignAll(Partition[][] partitions, long tick) {
        settle();
        lost.clear();
        for (String name : List.copyOf(members.keySet())) {
            try {
                ask(name, new Reset());
            } catch (SimulatorFailure e) {
                LOG.warn("Simulator {} could not be reset: {}", name, e.getMessage());
            }
        }
        for (int s = 0; s < sets.size(); s++) {
            parked.get(s).clear();
            for (int area = 0; area < areaCount; area++) {
                active[s][area] = null;
                passives.get(s).get(area).clear();
                authority.revoke(sets.get(s).name(), area);
            }
        }
        for (int area = 0; area < areaCount; area++) {
            entities[area] = partitions[0][area].size();
        }
        Integer[] bySize = new Integer[areaCount];
        for (int area = 0; area < areaCount; area++) {
            bySize[area] = area;
        }
        java.util.Arrays.sort(bySize, Comparator.comparingLong((Integer area) -> -entities[area])
                .thenComparingInt(area -> area));
        long progress = SimulatorProtocol.completed(tick);
        for (int s = 0; s < sets.size(); s++) {
            for (int area : bySize) {
                long epoch = 0;
                AreaState state = new AreaState(area, progress, partitions[s][area].snapshot(tick, epoch));
                String target = leastLoaded(s);
                if (target == null || !transfer(s, state, target)) {
                    park(s, state);
                }
            }
        }
        membershipChanged = false;
        for (int s = 0; s < sets.size(); s++) {
            fillPassives(s);
        }
    }

    private <R> R ask(String container, SimulatorProtocol.SimulatorRequest<R> message) {
        return SimulatorFailure.await(container, cluster.request(container, message, timeout), timeout);
    }

    private void dropPassive(int s, String name) {
        for (List<String> ofArea : passives.get(s)) {
            ofArea.remove(name);
        }
    }

    private boolean isLive(String name) {
        Member member = members.get(name);
        return member != null && !member.leaving;
    }

    private List<String> live(int s) {
        List<String> live = new ArrayList<>();
        members.forEach((name, member) -> {
            if (member.setIndex == s && !member.leaving) {
                live.add(name);
            }
        });
        return live;
    }

    private Map<String, Long> loads(int s, List<String> live) {
        Map<String, Long> loads = new TreeMap<>();
        for (String name : live) {
            loads.put(name, 0L);
        }
        for (int area = 0; area < areaCount; area++) {
            String owner = active[s][area];
            if (owner != null && loads.containsKey(owner)) {
                loads.merge(owner, entities[area], Long::sum);
            }
        }
        return loads;
    }

    /** The live simulator of the set with the fewest entities (then the fewest areas, then by name), or null. */
    private String leastLoaded(int s) {
        List<String> live = live(s);
        Map<String, Long> loads = loads(s, live);
        Map<String, Integer> areas = new TreeMap<>();
        for (int area = 0; area < areaCount; area++) {
            if (active[s][area] != null) {
                areas.merge(active[s][area], 1, Integer::sum);
            }
        }
        return live.stream()
                .min(Comparator.comparingLong((String name) -> loads.get(name))
                        .thenComparingInt(name -> areas.getOrDefault(name, 0))
                        .thenComparing(name -> name))
                .orElse(null);
    }

    long promotions() {
        return promotions;
    }

    long migrations() {
        return migrations;
    }

    long moves() {
        return moves;
    }

    /** Areas lost since the last {@link #assignAll}: the reasons, empty if none. */
    List<String> lost() {
        return List.copyOf(lost);
    }

    /** Whether every (set, area) has an active simulator. */
    boolean allHeld() {
        for (String[] ofSet : active) {
            for (String owner : ofSet) {
                if (owner == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The active areas of each simulator that holds any. */
    Map<String, Set<Integer>> activeAreas() {
        Map<String, Set<Integer>> byMember = new TreeMap<>();
        for (int s = 0; s < sets.size(); s++) {
            for (int area = 0; area < areaCount; area++) {
                if (active[s][area] != null) {
                    byMember.computeIfAbsent(active[s][area], name -> new TreeSet<>()).add(area);
                }
            }
        }
        return byMember;
    }

    /** The set whose simulator {@code container} is; -1 if unknown. */
    int setOf(String container) {
        Member member = members.get(container);
        return member == null ? -1 : member.setIndex;
    }

    /** The areas {@code container} is active for that have passives to keep in sync. */
    Set<Integer> replicated(String container) {
        Set<Integer> areas = new TreeSet<>();
        int s = setOf(container);
        if (s >= 0) {
            for (int area = 0; area < areaCount; area++) {
                if (container.equals(active[s][area]) && !passives.get(s).get(area).isEmpty()) {
                    areas.add(area);
                }
            }
        }
        return areas;
    }

    List<String> passivesOf(int s, int area) {
        return List.copyOf(passives.get(s).get(area));
    }

    /** A passive did not take its sync: it no longer follows (its container's end is reported separately). */
    void passiveFailed(int s, int area, String container) {
        passives.get(s).get(area).remove(container);
        membershipChanged = true;
    }

    /** {@code container} answered but no longer holds {@code areas} (its grant went stale): treat them as lost. */
    void missing(String container, List<Integer> areas) {
        int s = setOf(container);
        for (int area : areas) {
            if (s >= 0 && container.equals(active[s][area])) {
                active[s][area] = null;
                promoteOrLose(s, area, container + " no longer holds it");
            }
        }
    }

    void recordSizes(int[] areas, int[] sizes) {
        for (int i = 0; i < areas.length; i++) {
            entities[areas[i]] = sizes[i];
        }
    }

    /** Moves ({@code s}, {@code area}) to {@code target} through a controlled migration. */
    void reassign(int s, int area, String target) {
        String from = active[s][area];
        if (target.equals(from)) {
            return;
        }
        if (!isLive(target) || setOf(target) != s) {
            throw new IllegalArgumentException(target + " is not a running simulator of " + sets.get(s).name());
        }
        move(s, area, from, target);
        fillPassives(s);
    }

    List<String> liveSimulators(int s) {
        return live(s);
    }

    List<WorldStatus.AreaRoles> roles() {
        List<WorldStatus.AreaRoles> roles = new ArrayList<>();
        for (int s = 0; s < sets.size(); s++) {
            for (int area = 0; area < areaCount; area++) {
                String owner = active[s][area];
                roles.add(new WorldStatus.AreaRoles(sets.get(s).name(), area,
                        owner == null ? (parked.get(s).containsKey(area) ? "(parked)" : "(none)") : owner,
                        passives.get(s).get(area), entities[area]));
            }
        }
        return roles;
    }

    /** Refuses pending hand-overs: the world is closing and their containers stop anyway. */
    void close() {
        for (Notice notice = inbox.poll(); notice != null; notice = inbox.poll()) {
            if (notice instanceof Leaving leaving) {
                leaving.handedOver().complete(null);
            }
        }
    }
}
