package org.vvmhost.services.world.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vvmhost.services.world.WorldStatus;

/**
 * Who simulates what: for every (component set, area) its active simulator, its passives in promotion order and
 * the epoch of its current grant; the simulators of each set and whether they are leaving; entities per area.
 * The policy is one pure function, {@link #next}: from a table and an event to the next table and the actions that
 * carry it out. The part that sends the messages ({@link WorkloadDistributor}) runs the actions and reports how
 * they went as further events.
 *
 * <ul>
 *   <li>A graceful stop of an active ({@link Leaving}): each area goes to a live passive (a promotion after a last
 *       sync), else to the least loaded simulator of the set (a migration), else it is parked until one
 *       appears.</li>
 *   <li>A crash ({@link Down}): a live passive is promoted; with none the area is lost.</li>
 *   <li>After a change of membership ({@link Settle}): areas move from the most to the least loaded simulator of a
 *       set while that narrows the gap, and every area gets {@code min(passives-per-area, other live simulators)}
 *       passives.</li>
 *   <li>Every grant has a new epoch, larger than all before it.</li>
 * </ul>
 *
 * <p>Immutable: {@code next} works on a copy.
 */
final class AssignmentTable {

    /** How an area came to a simulator. */
    enum Kind { ASSIGNED, PROMOTED, MIGRATED, MOVED, UNPARKED }

    /** Something that happened to a simulator, or the outcome of an action. */
    sealed interface Event permits Up, Stopping, Down, Leaving, Settle, Reset, Sizes, PassiveFailed, Missing,
            Placed, Unplaced, Kept, Parked {
        /** Applies this event to {@code table}, a fresh copy, adding the actions it calls for. */
        void applyTo(AssignmentTable table, List<Action> actions);
    }

    /** A simulator of set {@code set} runs and takes messages. */
    record Up(String container, int set) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.up(container, set);
        }
    }

    /** A simulator is stopping gracefully; its hand-over is to follow ({@code deleted}: no end will be reported). */
    record Stopping(String container, boolean deleted) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.stopping(container, deleted);
        }
    }

    /** A simulator ended or was deleted; whatever it held is gone. */
    record Down(String container, String reason) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.down(container, "its active " + container + " crashed (" + reason + ")", actions);
        }
    }

    /** A stopping simulator handed over the state of {@code areas}. */
    record Leaving(String container, int[] areas) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.leaving(this, actions);
        }
    }

    /** Between ticks: place parked areas; after a membership change, rebalance and fill passives. */
    record Settle() implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.settle(actions);
        }
    }

    /** Every area is handed out afresh, with {@code entities} per area: the spawn, or a rewind. */
    record Reset(long[] entities) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.reset(entities, actions);
        }
    }

    /** Entities per area after a tick, index by index. */
    record Sizes(int[] areas, int[] sizes) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            for (int i = 0; i < areas.length; i++) {
                table.entities[areas[i]] = sizes[i];
            }
        }
    }

    /** A passive missed its sync: it no longer follows. */
    record PassiveFailed(int set, int area, String container) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.passives.get(set).get(area).remove(container);
            table.membershipChanged = true;
        }
    }

    /** A simulator answered but no longer holds {@code areas} (a stale grant): treat them as crashed. */
    record Missing(String container, int[] areas) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.missing(container, areas, actions);
        }
    }

    /** An area's state reached {@code container}, which took authority under {@code epoch}. */
    record Placed(int set, int area, String container, long epoch, Kind kind) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.place(set, area, container, epoch, kind);
        }
    }

    /** No candidate took the area: {@code why} names the cause; a handed-over or assigned one is parked. */
    record Unplaced(int set, int area, String why) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.lost.add(table.describe(set, area) + " is lost: " + why);
        }
    }

    /** A move's source did not release the area: it keeps it, under its grant of {@code epoch}. */
    record Kept(int set, int area, String container, long epoch) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.active[set][area] = container;
            table.epochs[set][area] = epoch;
            table.passives.get(set).get(area).remove(container);
            table.membershipChanged = true;
        }
    }

    /** An area's state is with the distributor, waiting for a simulator. */
    record Parked(int set, int area) implements Event {
        @Override
        public void applyTo(AssignmentTable table, List<Action> actions) {
            table.active[set][area] = null;
            table.parked[set][area] = true;
        }
    }

    /** What the distributor is to do. */
    sealed interface Action permits Drop, Place, Move, AddPassive, RemovePassive {
    }

    /** Tell a simulator to drop everything it holds and follows. */
    record Drop(String container) implements Action {
    }

    /**
     * Give the area's state to the first candidate that takes it, {@code candidates[i]} under grant epoch
     * {@code epochs[i]}; {@code synced}: the candidates are passives that hold a copy already and only need to adopt
     * it (a crash). Report {@link Placed}, or {@link Unplaced} (then {@code parkIfUnplaced} says whether the state is
     * parked or lost).
     */
    record Place(int set, int area, List<String> candidates, long[] epochs, List<Kind> kinds, boolean synced,
                 boolean parkIfUnplaced) implements Action {
    }

    /**
     * Release the area from {@code from} (which holds it under {@code fromEpoch}) and give it to {@code to} under
     * {@code epoch}; if the release fails, {@link Kept}; if the transfer fails, park it.
     */
    record Move(int set, int area, String from, long fromEpoch, String to, long epoch) implements Action {
    }

    /** Copy the area from its active {@code owner} to {@code passive}; {@link PassiveFailed} if that fails. */
    record AddPassive(int set, int area, String owner, String passive) implements Action {
    }

    /** Tell {@code passive} to stop following the area. */
    record RemovePassive(int set, int area, String passive) implements Action {
    }

    /** The next table and what to do. */
    record Decision(AssignmentTable table, List<Action> actions) {
    }

    private record Member(int set, boolean leaving, boolean deleted, boolean handedOver) {
    }

    private final List<String> setNames;
    private final int sets;
    private final int areas;
    private final int passivesPerArea;
    private final TreeMap<String, Member> members;
    private final TreeSet<String> gone;
    private final String[][] active;
    private final long[][] epochs;
    private final List<List<List<String>>> passives;
    private final boolean[][] parked;
    private final long[] entities;
    private final List<String> lost;
    private long epoch;
    private long promotions;
    private long migrations;
    private long moves;
    private boolean membershipChanged;

    /** An empty table of the sets named {@code setNames}: no simulators, no area held. */
    AssignmentTable(List<String> setNames, int areas, int passivesPerArea) {
        this.setNames = List.copyOf(setNames);
        this.sets = setNames.size();
        this.areas = areas;
        this.passivesPerArea = passivesPerArea;
        this.members = new TreeMap<>();
        this.gone = new TreeSet<>();
        this.active = new String[sets][areas];
        this.epochs = new long[sets][areas];
        this.passives = new ArrayList<>();
        for (int s = 0; s < sets; s++) {
            List<List<String>> ofSet = new ArrayList<>();
            for (int a = 0; a < areas; a++) {
                ofSet.add(new ArrayList<>());
            }
            passives.add(ofSet);
        }
        this.parked = new boolean[sets][areas];
        this.entities = new long[areas];
        this.lost = new ArrayList<>();
    }

    private AssignmentTable(AssignmentTable from) {
        this.setNames = from.setNames;
        this.sets = from.sets;
        this.areas = from.areas;
        this.passivesPerArea = from.passivesPerArea;
        this.members = new TreeMap<>(from.members);
        this.gone = new TreeSet<>(from.gone);
        this.active = deepCopy(from.active);
        this.epochs = new long[sets][];
        this.parked = new boolean[sets][];
        this.passives = new ArrayList<>();
        for (int s = 0; s < sets; s++) {
            epochs[s] = from.epochs[s].clone();
            parked[s] = from.parked[s].clone();
            List<List<String>> ofSet = new ArrayList<>();
            for (List<String> ofArea : from.passives.get(s)) {
                ofSet.add(new ArrayList<>(ofArea));
            }
            passives.add(ofSet);
        }
        this.entities = from.entities.clone();
        this.lost = new ArrayList<>(from.lost);
        this.epoch = from.epoch;
        this.promotions = from.promotions;
        this.migrations = from.migrations;
        this.moves = from.moves;
        this.membershipChanged = from.membershipChanged;
    }

    private static String[][] deepCopy(String[][] table) {
        String[][] copy = new String[table.length][];
        for (int i = 0; i < table.length; i++) {
            copy[i] = table[i].clone();
        }
        return copy;
    }

    /** Carries out an action that the table {@code before} decided on, and adds the events its outcome leads to. */
    @FunctionalInterface
    interface Executor {
        void run(Action action, AssignmentTable before, Deque<Event> outcomes);
    }

    /** Applies {@code first} and, in order, every outcome it leads to; the table they end in. */
    AssignmentTable run(Event first, Executor executor) {
        AssignmentTable table = this;
        Deque<Event> events = new ArrayDeque<>(List.of(first));
        while (!events.isEmpty()) {
            AssignmentTable before = table;
            Decision decision = before.next(events.poll());
            table = decision.table();
            for (Action action : decision.actions()) {
                executor.run(action, before, events);
            }
        }
        return table;
    }

    /** The policy: this table and {@code event} give the next table and the actions to carry it out. */
    Decision next(Event event) {
        AssignmentTable next = new AssignmentTable(this);
        List<Action> actions = new ArrayList<>();
        event.applyTo(next, actions);
        return new Decision(next, List.copyOf(actions));
    }

    private void up(String container, int set) {
        if (!gone.contains(container) && !members.containsKey(container)) {
            members.put(container, new Member(set, false, false, false));
            membershipChanged = true;
        }
    }

    private void stopping(String container, boolean deleted) {
        Member member = members.get(container);
        if (member != null) {
            members.put(container, new Member(member.set(), true, member.deleted() || deleted, member.handedOver()));
            membershipChanged = true;
        }
    }

    private void missing(String container, int[] missing, List<Action> actions) {
        Member member = members.get(container);
        for (int area : missing) {
            if (member != null && container.equals(active[member.set()][area])) {
                active[member.set()][area] = null;
                promoteOrLose(member.set(), area, container + " no longer holds it", actions);
            }
        }
    }

    private void down(String name, String why, List<Action> actions) {
        Member member = members.remove(name);
        gone.add(name);
        if (member == null) {
            return;
        }
        membershipChanged = true;
        int s = member.set();
        dropPassive(s, name);
        for (int area = 0; area < areas; area++) {
            if (name.equals(active[s][area])) {
                active[s][area] = null;
                promoteOrLose(s, area, why, actions);
            }
        }
    }

    private void leaving(Leaving leaving, List<Action> actions) {
        String name = leaving.container();
        Member member = members.get(name);
        if (member == null) {
            return;
        }
        int s = member.set();
        members.put(name, new Member(s, true, member.deleted(), true));
        membershipChanged = true;
        dropPassive(s, name);
        for (int area : leaving.areas()) {
            if (name.equals(active[s][area])) {
                active[s][area] = null;
                List<String> candidates = new ArrayList<>();
                List<Kind> kinds = new ArrayList<>();
                for (String passive : passives.get(s).get(area)) {
                    if (isLive(passive)) {
                        candidates.add(passive);
                        kinds.add(Kind.PROMOTED);
                    }
                }
                String target = leastLoaded(s);
                if (target != null) {
                    candidates.add(target);
                    kinds.add(Kind.MIGRATED);
                }
                actions.add(new Place(s, area, candidates, epochsFor(candidates.size()), kinds, false, true));
            }
        }
        for (int area = 0; area < areas; area++) {
            if (name.equals(active[s][area])) {
                active[s][area] = null;
                promoteOrLose(s, area, "its active " + name + " left without handing it over", actions);
            }
        }
        if (member.deleted()) {
            // Its resource is gone already: no later event will report its end.
            members.remove(name);
            gone.add(name);
        }
    }

    /** The active of ({@code s}, {@code area}) is gone with its state: promote a live passive, or lose the area. */
    private void promoteOrLose(int s, int area, String why, List<Action> actions) {
        List<String> candidates = passives.get(s).get(area).stream().filter(this::isLive).toList();
        if (candidates.isEmpty()) {
            epochs[s][area] = 0;
            lost.add(describe(s, area) + " is lost: " + why + " and it had no passive to promote");
            return;
        }
        actions.add(new Place(s, area, candidates, epochsFor(candidates.size()),
                candidates.stream().map(c -> Kind.PROMOTED).toList(), true, false));
    }

    private void place(int s, int area, String container, long grantEpoch, Kind kind) {
        active[s][area] = container;
        epochs[s][area] = grantEpoch;
        parked[s][area] = false;
        passives.get(s).get(area).remove(container);
        switch (kind) {
            case PROMOTED -> promotions++;
            case MIGRATED -> migrations++;
            case MOVED -> moves++;
            case ASSIGNED, UNPARKED -> {
            }
        }
    }

    /** Whether {@link Settle} would change nothing: no area parked, no membership change to act on. */
    boolean settled() {
        if (!lost.isEmpty()) {
            return true;
        }
        if (membershipChanged) {
            return false;
        }
        for (boolean[] ofSet : parked) {
            for (boolean isParked : ofSet) {
                if (isParked) {
                    return false;
                }
            }
        }
        return true;
    }

    private void settle(List<Action> actions) {
        if (!lost.isEmpty()) {
            return;
        }
        for (int s = 0; s < sets; s++) {
            for (int area = 0; area < areas; area++) {
                String target = parked[s][area] ? leastLoaded(s) : null;
                if (target != null) {
                    long grant = ++epoch;
                    actions.add(new Place(s, area, List.of(target), new long[] {grant}, List.of(Kind.UNPARKED),
                            false, true));
                    place(s, area, target, grant, Kind.UNPARKED);
                }
            }
        }
        if (membershipChanged) {
            membershipChanged = false;
            for (int s = 0; s < sets; s++) {
                rebalance(s, actions);
                fillPassives(s, actions);
            }
        }
    }

    /** Plans moves from the most to the least loaded simulator of the set while that narrows the gap. */
    private void rebalance(int s, List<Action> actions) {
        List<String> live = live(s);
        if (live.size() < 2) {
            return;
        }
        for (int round = 0; round < areas; round++) {
            Map<String, Long> loads = loads(s, live);
            String heaviest = live.stream().max(Comparator.comparingLong(loads::get)).orElseThrow();
            String lightest = live.stream().min(Comparator.comparingLong(loads::get)).orElseThrow();
            long gap = loads.get(heaviest) - loads.get(lightest);
            int best = -1;
            for (int area = 0; area < areas; area++) {
                if (heaviest.equals(active[s][area]) && entities[area] > 0 && entities[area] < gap
                        && (best < 0 || entities[area] > entities[best])) {
                    best = area;
                }
            }
            if (best < 0) {
                return;
            }
            long grant = ++epoch;
            actions.add(new Move(s, best, heaviest, epochs[s][best], lightest, grant));
            place(s, best, lightest, grant, Kind.MOVED);
        }
    }

    /**
     * Plans {@code min(passives-per-area, live simulators other than the active)} passives on every area. An active
     * that is leaving is not live, so its areas keep their passives: they are its hand-over's targets.
     */
    private void fillPassives(int s, List<Action> actions) {
        List<String> live = live(s);
        Map<String, Integer> roles = new TreeMap<>();
        for (String name : live) {
            roles.put(name, 0);
        }
        for (int area = 0; area < areas; area++) {
            List<String> ofArea = passives.get(s).get(area);
            String owner = active[s][area];
            int wanted = wantedPassives(live, owner);
            ofArea.removeIf(name -> !isLive(name) || name.equals(owner));
            while (ofArea.size() > wanted) {
                actions.add(new RemovePassive(s, area, ofArea.remove(ofArea.size() - 1)));
            }
            ofArea.forEach(name -> roles.merge(name, 1, Integer::sum));
        }
        for (int area = 0; area < areas; area++) {
            String owner = active[s][area];
            List<String> ofArea = passives.get(s).get(area);
            int wanted = wantedPassives(live, owner);
            while (owner != null && isLive(owner) && ofArea.size() < wanted) {
                String candidate = live.stream()
                        .filter(name -> !name.equals(owner) && !ofArea.contains(name))
                        .min(Comparator.comparingInt((String name) -> roles.get(name)).thenComparing(name -> name))
                        .orElseThrow();
                actions.add(new AddPassive(s, area, owner, candidate));
                ofArea.add(candidate);
                roles.merge(candidate, 1, Integer::sum);
            }
        }
    }

    private int wantedPassives(List<String> live, String owner) {
        int others = live.contains(owner) ? live.size() - 1 : live.size();
        return Math.min(passivesPerArea, others);
    }

    /** Every simulator drops what it holds; the areas go, largest first, to the least loaded simulator of the set. */
    private void reset(long[] sizes, List<Action> actions) {
        lost.clear();
        for (String name : members.keySet()) {
            actions.add(new Drop(name));
        }
        for (int s = 0; s < sets; s++) {
            Arrays.fill(active[s], null);
            Arrays.fill(epochs[s], 0);
            Arrays.fill(parked[s], false);
            passives.get(s).forEach(List::clear);
        }
        System.arraycopy(sizes, 0, entities, 0, areas);
        Integer[] bySize = new Integer[areas];
        for (int area = 0; area < areas; area++) {
            bySize[area] = area;
        }
        Arrays.sort(bySize, Comparator.comparingLong((Integer area) -> -entities[area]).thenComparingInt(a -> a));
        for (int s = 0; s < sets; s++) {
            for (int area : bySize) {
                String target = leastLoaded(s);
                if (target == null) {
                    parked[s][area] = true;
                    continue;
                }
                long grant = ++epoch;
                actions.add(new Place(s, area, List.of(target), new long[] {grant}, List.of(Kind.ASSIGNED), false,
                        true));
                place(s, area, target, grant, Kind.ASSIGNED);
            }
        }
        membershipChanged = false;
        for (int s = 0; s < sets; s++) {
            fillPassives(s, actions);
        }
    }

    private long[] epochsFor(int count) {
        long[] reserved = new long[count];
        for (int i = 0; i < count; i++) {
            reserved[i] = ++epoch;
        }
        return reserved;
    }

    private void dropPassive(int s, String name) {
        for (List<String> ofArea : passives.get(s)) {
            ofArea.remove(name);
        }
    }

    private String describe(int s, int area) {
        return setNames.get(s) + " area " + area;
    }

    // Queries.

    boolean isLive(String name) {
        Member member = members.get(name);
        return member != null && !member.leaving();
    }

    /** Whether {@code name} is a simulator that has not yet been reported gone or handed over. */
    boolean isPending(String name) {
        Member member = members.get(name);
        return member != null && !member.handedOver();
    }

    List<String> live(int s) {
        List<String> live = new ArrayList<>();
        members.forEach((name, member) -> {
            if (member.set() == s && !member.leaving()) {
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
        for (int area = 0; area < areas; area++) {
            String owner = active[s][area];
            if (owner != null && loads.containsKey(owner)) {
                loads.merge(owner, entities[area], Long::sum);
            }
        }
        return loads;
    }

    /** The live simulator of the set with the fewest entities (then the fewest areas, then by name), or null. */
    String leastLoaded(int s) {
        List<String> live = live(s);
        Map<String, Long> loads = loads(s, live);
        Map<String, Integer> held = new TreeMap<>();
        for (int area = 0; area < areas; area++) {
            if (active[s][area] != null) {
                held.merge(active[s][area], 1, Integer::sum);
            }
        }
        return live.stream()
                .min(Comparator.comparingLong((String name) -> loads.get(name))
                        .thenComparingInt(name -> held.getOrDefault(name, 0))
                        .thenComparing(name -> name))
                .orElse(null);
    }

    /** The set of simulator {@code container}; -1 if unknown. */
    int setOf(String container) {
        Member member = members.get(container);
        return member == null ? -1 : member.set();
    }

    String active(int s, int area) {
        return active[s][area];
    }

    long epoch(int s, int area) {
        return epochs[s][area];
    }

    /** A grant of the table: (set, area) went to {@code container} as its active, under {@code epoch}. */
    record Granted(int set, int area, String container, long epoch) {
    }

    /**
     * The grants {@code after} holds that {@code before} did not: every (set, area) whose active is new, or the same
     * under a new epoch (a rewind hands every area out afresh). An area that lost its active is not a grant.
     */
    static List<Granted> granted(AssignmentTable before, AssignmentTable after) {
        List<Granted> granted = new ArrayList<>();
        for (int s = 0; s < after.sets; s++) {
            for (int area = 0; area < after.areas; area++) {
                String holder = after.active[s][area];
                if (holder != null && (!holder.equals(before.active[s][area])
                        || after.epochs[s][area] != before.epochs[s][area])) {
                    granted.add(new Granted(s, area, holder, after.epochs[s][area]));
                }
            }
        }
        return granted;
    }

    /** The last epoch issued; every grant's epoch is at most this. */
    long lastEpoch() {
        return epoch;
    }

    List<String> passives(int s, int area) {
        return List.copyOf(passives.get(s).get(area));
    }

    boolean isParked(int s, int area) {
        return parked[s][area];
    }

    long entities(int area) {
        return entities[area];
    }

    /** Areas lost since the last {@link Reset}: the reasons, empty if none. */
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
        for (int s = 0; s < sets; s++) {
            for (int area = 0; area < areas; area++) {
                if (active[s][area] != null) {
                    byMember.computeIfAbsent(active[s][area], name -> new TreeSet<>()).add(area);
                }
            }
        }
        return byMember;
    }

    /** The areas {@code container} is active for that have passives to keep in sync. */
    Set<Integer> replicated(String container) {
        Set<Integer> replicated = new TreeSet<>();
        int s = setOf(container);
        for (int area = 0; s >= 0 && area < areas; area++) {
            if (container.equals(active[s][area]) && !passives.get(s).get(area).isEmpty()) {
                replicated.add(area);
            }
        }
        return replicated;
    }

    /** Every (set, area) with its active (or "(parked)", "(none)"), its passives, its entities and its epoch. */
    List<WorldStatus.AreaRoles> roles() {
        List<WorldStatus.AreaRoles> roles = new ArrayList<>();
        for (int s = 0; s < sets; s++) {
            for (int area = 0; area < areas; area++) {
                String owner = active[s][area] != null ? active[s][area] : parked[s][area] ? "(parked)" : "(none)";
                roles.add(new WorldStatus.AreaRoles(setNames.get(s), area, owner, passives.get(s).get(area),
                        entities[area], epochs[s][area]));
            }
        }
        return roles;
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
}
