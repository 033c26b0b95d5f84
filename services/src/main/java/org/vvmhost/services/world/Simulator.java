package org.vvmhost.services.world;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * A component-set simulator: it holds the partitions of one set in the areas it was granted, and is the only one
 * that writes them. A tick runs in three steps driven by the coordinator, with a barrier after each: {@link
 * #simulate}, then {@link #detach} (deaths and departures), then {@link #attach} (arrivals and births). Every step
 * first checks the grant; a stale grant is rejected, counted, and the partition dropped.
 *
 * <p>Not thread-safe: one thread drives it at a time (today the coordinator's pool; a container's message loop
 * later).
 */
final class Simulator {

    /** Rows leaving {@code from} for {@code to}, in entity id order. */
    record Transfer(int from, int to, Rows rows) {
    }

    private record Held(AuthorityGrant grant, Partition partition) {
    }

    private final String id;
    private final ComponentSet set;
    private final int setIndex;
    private final AuthorityTable authority;
    private final Map<Integer, Held> held = new TreeMap<>();

    Simulator(String id, ComponentSet set, int setIndex, AuthorityTable authority) {
        this.id = id;
        this.set = set;
        this.setIndex = setIndex;
        this.authority = authority;
    }

    String id() {
        return id;
    }

    ComponentSet set() {
        return set;
    }

    /** Takes up authority over {@code partition}'s area with {@code grant}. */
    void assume(AuthorityGrant grant, Partition partition) {
        if (!grant.simulator().equals(id) || !grant.set().equals(set.name()) || grant.area() != partition.area()) {
            throw new IllegalArgumentException(id + " cannot hold " + grant + " for " + set.name() + " area "
                    + partition.area());
        }
        held.put(partition.area(), new Held(grant, partition));
    }

    /** Gives the area up and hands back its state. */
    AreaSnapshot release(int area, long tick) {
        Held h = held.remove(area);
        if (h == null) {
            throw new IllegalStateException(id + " holds no authority over " + set.name() + " area " + area);
        }
        return h.partition().snapshot(tick, h.grant().epoch());
    }

    /** The areas this simulator holds, ascending. */
    List<Integer> areas() {
        return List.copyOf(held.keySet());
    }

    Partition partition(int area) {
        Held h = held.get(area);
        return h == null ? null : h.partition();
    }

    long entityCount() {
        long count = 0;
        for (Held h : held.values()) {
            count += h.partition().size();
        }
        return count;
    }

    /** Step 1: advances every held area by one tick; structural changes are only reported. */
    TickEvents simulate(long tick, long seed, WorldGeometry geometry) {
        return simulate(tick, seed, geometry, area -> true);
    }

    /** {@link #simulate(long, long, WorldGeometry)} of the held areas that {@code areas} accepts. */
    TickEvents simulate(long tick, long seed, WorldGeometry geometry, IntPredicate areas) {
        TickEvents events = new TickEvents(setIndex);
        for (Held h : admitted(areas)) {
            Partition partition = h.partition();
            int area = partition.area();
            long[] ids = partition.ids();
            set.tick(new TickContext() {
                @Override
                public long tick() {
                    return tick;
                }

                @Override
                public long seed() {
                    return seed;
                }

                @Override
                public WorldGeometry geometry() {
                    return geometry;
                }

                @Override
                public int area() {
                    return area;
                }

                @Override
                public void moved(int row, int toArea) {
                    events.movedIds.add(ids[row]);
                    events.movedFrom.add(area);
                    events.movedTo.add(toArea);
                }

                @Override
                public void died(int row) {
                    events.deadIds.add(ids[row]);
                    events.deadAreas.add(area);
                }
            }, partition);
        }
        return events;
    }

    /** Step 2: deletes the dead and takes out the entities that leave, in entity id order. */
    List<Transfer> detach(BoundaryPlan plan) {
        return detach(plan, area -> true);
    }

    /** {@link #detach(BoundaryPlan)} of the held areas that {@code areas} accepts. */
    List<Transfer> detach(BoundaryPlan plan, IntPredicate areas) {
        List<Transfer> out = new ArrayList<>();
        for (Held h : admitted(areas)) {
            Partition partition = h.partition();
            int area = partition.area();
            IntArrayList deaths = plan.deathsIn[area];
            if (deaths != null) {
                for (int k = 0; k < deaths.size(); k++) {
                    partition.remove(plan.deadIds[deaths.getInt(k)]);
                }
            }
            IntArrayList moves = plan.movesOutOf[area];
            if (moves != null) {
                Map<Integer, Rows> byTarget = new TreeMap<>();
                for (int k = 0; k < moves.size(); k++) {
                    int i = moves.getInt(k);
                    partition.moveOut(plan.moveIds[i],
                            byTarget.computeIfAbsent(plan.moveTo[i], to -> new Rows(set.schema())));
                }
                byTarget.forEach((to, rows) -> out.add(new Transfer(area, to, rows)));
            }
        }
        return out;
    }

    /**
     * Step 3: takes in arrivals (ordered by source area, then entity id) and then the newborn (by id).
     * {@code incoming} holds every transfer of this simulator's set.
     */
    void attach(BoundaryPlan plan, List<Transfer> incoming, long seed, WorldGeometry geometry) {
        attach(plan, incoming, seed, geometry, area -> true);
    }

    /** {@link #attach(BoundaryPlan, List, long, WorldGeometry)} of the held areas that {@code areas} accepts. */
    void attach(BoundaryPlan plan, List<Transfer> incoming, long seed, WorldGeometry geometry, IntPredicate areas) {
        List<Transfer> sorted = new ArrayList<>(incoming);
        sorted.sort(Comparator.comparingInt(Transfer::from));
        for (Held h : admitted(areas)) {
            Partition partition = h.partition();
            int area = partition.area();
            for (Transfer transfer : sorted) {
                if (transfer.to() == area) {
                    Rows rows = transfer.rows();
                    for (int k = 0; k < rows.size(); k++) {
                        partition.moveIn(rows, k);
                    }
                }
            }
            IntArrayList births = plan.birthsIn[area];
            if (births != null) {
                for (int k = 0; k < births.size(); k++) {
                    int i = births.getInt(k);
                    int row = partition.add(plan.bornIds[i]);
                    set.spawn(new ComponentSet.Spawn(seed, plan.bornIds[i], plan.bornX[i], plan.bornY[i], geometry),
                            partition, row);
                }
            }
        }
    }

    /** The held areas whose grant is still current; stale ones are rejected (and counted) and dropped. */
    private List<Held> admitted(IntPredicate areas) {
        List<Held> admitted = new ArrayList<>(held.size());
        held.values().removeIf(h -> {
            if (!areas.test(h.partition().area())) {
                return false;
            }
            if (authority.admit(h.grant())) {
                admitted.add(h);
                return false;
            }
            return true;
        });
        return admitted;
    }

    /** The grant under which this simulator holds {@code area}, or null. */
    AuthorityGrant grant(int area) {
        Held h = held.get(area);
        return h == null ? null : h.grant();
    }

    @Override
    public String toString() {
        return id + held.keySet();
    }
}
