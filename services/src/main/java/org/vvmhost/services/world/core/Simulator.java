package org.vvmhost.services.world.core;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.vvmhost.services.world.ComponentSchema;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.TickContext;
import org.vvmhost.services.world.WorldGeometry;

/**
 * A component-set simulator: it holds the partitions of one set in the areas it was granted, and is the only one
 * that writes them. A tick runs in three steps driven by a coordinator, with a barrier after each: {@link
 * #simulate}, then {@link #detach} (deaths and departures), then {@link #attach} (arrivals and births). Every step
 * first asks its {@link Admission} whether the grant is current; a stale grant is rejected and the partition
 * dropped.
 *
 * <p>Not thread-safe: one thread drives it at a time (a world's pool, or a container's message loop).
 */
public final class Simulator {

    /** Decides whether a write under {@code grant} may go ahead; a refusal is the admission's to count. */
    @FunctionalInterface
    public interface Admission {
        boolean admit(AuthorityGrant grant);
    }

    private static final IntPredicate ALL = area -> true;

    private record Held(AuthorityGrant grant, Partition partition) {
    }

    private final String id;
    private final ComponentSet set;
    private final int setIndex;
    private final Admission admission;
    private final Map<Integer, Held> held = new TreeMap<>();
    /** The events of the running {@link #simulate}, kept between ticks so a steady tick does not grow new lists. */
    private final LongArrayList movedIds = new LongArrayList();
    private final IntArrayList movedFrom = new IntArrayList();
    private final IntArrayList movedTo = new IntArrayList();
    private final LongArrayList deadIds = new LongArrayList();
    private final IntArrayList deadAreas = new IntArrayList();

    public Simulator(String id, ComponentSet set, int setIndex, Admission admission) {
        this.id = id;
        this.set = set;
        this.setIndex = setIndex;
        this.admission = admission;
    }

    public String id() {
        return id;
    }

    public ComponentSet set() {
        return set;
    }

    /** Takes up authority over {@code partition}'s area with {@code grant}. */
    public void assume(AuthorityGrant grant, Partition partition) {
        if (!grant.simulator().equals(id) || !grant.set().equals(set.name()) || grant.area() != partition.area()) {
            throw new IllegalArgumentException(id + " cannot hold " + grant + " for " + set.name() + " area "
                    + partition.area());
        }
        held.put(partition.area(), new Held(grant, partition));
    }

    /** Gives the area up and hands back its state. */
    public AreaSnapshot release(int area, long tick) {
        Held h = held.remove(area);
        if (h == null) {
            throw new IllegalStateException(id + " holds no authority over " + set.name() + " area " + area);
        }
        return h.partition().snapshot(tick, h.grant().epoch());
    }

    /** The areas this simulator holds, ascending. */
    public List<Integer> areas() {
        return List.copyOf(held.keySet());
    }

    /** The partition of {@code area}, or null if this simulator does not hold it. */
    public Partition partition(int area) {
        Held h = held.get(area);
        return h == null ? null : h.partition();
    }

    /** The grant under which this simulator holds {@code area}, or null. */
    public AuthorityGrant grant(int area) {
        Held h = held.get(area);
        return h == null ? null : h.grant();
    }

    /** Step 1 on every held area, with no commands: advances it by one tick; structural changes are only reported. */
    public TickEvents simulate(long tick, long seed, WorldGeometry geometry) {
        return simulate(tick, seed, geometry, ALL, area -> List.of());
    }

    /**
     * Step 1 on the held areas that {@code areas} accepts: applies each area's {@code commands} in order, then
     * advances it by one tick; structural changes are only reported.
     */
    public TickEvents simulate(long tick, long seed, WorldGeometry geometry, IntPredicate areas,
            IntFunction<List<AreaCommand>> commands) {
        movedIds.clear();
        movedFrom.clear();
        movedTo.clear();
        deadIds.clear();
        deadAreas.clear();
        for (Held h : admitted(areas)) {
            Partition partition = h.partition();
            int area = partition.area();
            for (AreaCommand command : commands.apply(area)) {
                apply(command, partition, seed, geometry);
            }
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
                    movedIds.add(ids[row]);
                    movedFrom.add(area);
                    movedTo.add(toArea);
                }

                @Override
                public void died(int row) {
                    deadIds.add(ids[row]);
                    deadAreas.add(area);
                }
            }, partition);
        }
        return new TickEvents(setIndex, movedIds.toLongArray(), movedFrom.toIntArray(), movedTo.toIntArray(),
                deadIds.toLongArray(), deadAreas.toIntArray());
    }

    private void apply(AreaCommand command, Partition partition, long seed, WorldGeometry geometry) {
        if (command instanceof AreaCommand.Add add) {
            int row = partition.add(add.entity());
            set.spawn(new ComponentSet.Spawn(seed, add.entity(), add.x(), add.y(), geometry), partition, row);
            ComponentSchema schema = set.schema();
            add.columns().forEach((column, value) -> {
                int c = schema.floatColumns().indexOf(column);
                if (c >= 0) {
                    partition.floats(c)[row] = value.floatValue();
                } else {
                    partition.ints(schema.intColumns().indexOf(column))[row] = value.intValue();
                }
            });
        } else if (command instanceof AreaCommand.Remove remove) {
            partition.remove(remove.entity());
        } else {
            AreaCommand.Act act = (AreaCommand.Act) command;
            int row = partition.rowOf(act.command().entity());
            if (row < 0) {
                throw new IllegalStateException("entity " + act.command().entity() + " of a " + act.command().kind()
                        + " command is not in " + set.name() + " area " + partition.area());
            }
            set.apply(act.command(), partition, row, geometry);
        }
    }

    /** Step 2 on every held area. */
    public List<Transfer> detach(BoundaryPlan plan, BoundaryPlan.ByArea index) {
        return detach(plan, index, ALL);
    }

    /**
     * Step 2 on the held areas that {@code areas} accepts: deletes the dead and takes out the entities that leave,
     * in entity id order.
     */
    public List<Transfer> detach(BoundaryPlan plan, BoundaryPlan.ByArea index, IntPredicate areas) {
        List<Transfer> out = new ArrayList<>();
        for (Held h : admitted(areas)) {
            Partition partition = h.partition();
            int area = partition.area();
            BoundaryPlan.Grouped deaths = index.deaths;
            for (int k = deaths.start[area]; k < deaths.start[area + 1]; k++) {
                partition.remove(plan.deadIds()[deaths.items[k]]);
            }
            BoundaryPlan.Grouped moves = index.movesOut;
            int from = moves.start[area];
            int until = moves.start[area + 1];
            if (from == until) {
                continue;
            }
            // One Rows per target area, sized to its moves, listed by target as the transfers are.
            Rows[] byTarget = new Rows[moves.start.length - 1];
            int[] counts = new int[byTarget.length];
            for (int k = from; k < until; k++) {
                counts[plan.moveTo()[moves.items[k]]]++;
            }
            for (int k = from; k < until; k++) {
                int i = moves.items[k];
                int to = plan.moveTo()[i];
                if (byTarget[to] == null) {
                    byTarget[to] = new Rows(set.schema(), counts[to]);
                }
                partition.moveOut(plan.moveIds()[i], byTarget[to]);
            }
            for (int to = 0; to < byTarget.length; to++) {
                if (byTarget[to] != null) {
                    out.add(byTarget[to].toTransfer(area, to));
                }
            }
        }
        return out;
    }

    /** Step 3 on every held area. */
    public void attach(BoundaryPlan plan, BoundaryPlan.ByArea index, List<Transfer> incoming, long seed,
            WorldGeometry geometry) {
        attach(plan, index, incoming, seed, geometry, ALL);
    }

    /**
     * Step 3 on the held areas that {@code areas} accepts: takes in arrivals (ordered by source area, then entity
     * id) and then the newborn (by id). {@code incoming} holds every transfer of this simulator's set.
     */
    public void attach(BoundaryPlan plan, BoundaryPlan.ByArea index, List<Transfer> incoming, long seed,
            WorldGeometry geometry, IntPredicate areas) {
        List<Transfer> sorted = new ArrayList<>(incoming);
        sorted.sort(Comparator.comparingInt(Transfer::from));
        for (Held h : admitted(areas)) {
            Partition partition = h.partition();
            int area = partition.area();
            for (Transfer transfer : sorted) {
                if (transfer.to() == area) {
                    for (int k = 0; k < transfer.size(); k++) {
                        partition.moveIn(transfer, k);
                    }
                }
            }
            BoundaryPlan.Grouped births = index.births;
            for (int k = births.start[area]; k < births.start[area + 1]; k++) {
                int i = births.items[k];
                int row = partition.add(plan.bornIds()[i]);
                set.spawn(new ComponentSet.Spawn(seed, plan.bornIds()[i], plan.bornX()[i], plan.bornY()[i],
                        geometry), partition, row);
            }
        }
    }

    /** The held areas whose grant is still current; stale ones are rejected and dropped. */
    private List<Held> admitted(IntPredicate areas) {
        List<Held> admitted = new ArrayList<>(held.size());
        held.values().removeIf(h -> {
            if (!areas.test(h.partition().area())) {
                return false;
            }
            if (admission.admit(h.grant())) {
                admitted.add(h);
                return false;
            }
            return true;
        });
        return admitted;
    }

    @Override
    public String toString() {
        return id + held.keySet();
    }
}
