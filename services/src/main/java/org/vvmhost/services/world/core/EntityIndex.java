package org.vvmhost.services.world.core;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldGeometry;

/**
 * Which area each entity is in, as the coordinator knows it from the spawn, the commands and every tick's
 * {@link BoundaryPlan}: it routes a command to the simulator with authority over its entity's area, and tells a
 * command whose entity is gone by its tick (a deterministic no-op). One coordinator thread writes it; any thread may
 * ask {@link #areaOf}, under a read lock held for one lookup.
 */
public final class EntityIndex {

    private final Long2IntOpenHashMap areas;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private EntityIndex(int expected) {
        areas = new Long2IntOpenHashMap(Math.max(16, expected));
        areas.defaultReturnValue(-1);
    }

    /** The index of a world whose entities are those of {@code ofOneSet} (every set holds the same ones per area). */
    public static EntityIndex of(Partition[] ofOneSet) {
        EntityIndex index = new EntityIndex((int) Math.min(Integer.MAX_VALUE - 16, WorldCore.population(ofOneSet)));
        index.fill(ofOneSet);
        return index;
    }

    /** Forgets everything and indexes {@code ofOneSet} instead: the world was rewound. */
    public void reset(Partition[] ofOneSet) {
        lock.writeLock().lock();
        try {
            areas.clear();
            fill(ofOneSet);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void fill(Partition[] ofOneSet) {
        for (Partition partition : ofOneSet) {
            long[] ids = partition.ids();
            for (int row = 0; row < partition.size(); row++) {
                areas.put(ids[row], partition.area());
            }
        }
    }

    /** The area of entity {@code id}, or -1 if it does not exist. Any thread. */
    public int areaOf(long id) {
        lock.readLock().lock();
        try {
            return areas.get(id);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * How a world reads entities: those of {@code ids} in {@code areas}, or with {@code ids} null up to {@code limit}
     * of each area, lowest ids first.
     */
    @FunctionalInterface
    public interface Reader {
        List<EntityRecord> read(int[] areas, long[] ids, int limit);
    }

    /** Entity {@code id}, read by {@code reader} in the area it is in; empty if it does not exist. Any thread. */
    public Optional<EntityRecord> find(long id, Reader reader) {
        int area = areaOf(id);
        return area < 0 ? Optional.empty() : reader.read(new int[] {area}, new long[] {id}, 1).stream().findFirst();
    }

    /** Follows a tick's boundary: the dead leave, the movers change area, the newborn arrive. */
    public void apply(BoundaryPlan plan) {
        lock.writeLock().lock();
        try {
            for (long dead : plan.deadIds()) {
                areas.remove(dead);
            }
            for (int i = 0; i < plan.moveIds().length; i++) {
                areas.put(plan.moveIds()[i], plan.moveTo()[i]);
            }
            for (int i = 0; i < plan.bornIds().length; i++) {
                areas.put(plan.bornIds()[i], plan.bornAreas()[i]);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Routes a tick's {@code commands}, in sequence order, and follows their spawns and despawns: a spawn's entity
     * ({@link WorldCommand#SPAWNED_IDS} plus its sequence number) goes to every set of its area; a despawn to every set
     * of its entity's area; any other command to its kind's set. A command whose entity does not exist is ignored.
     */
    public RoutedCommands route(WorldCore core, List<SequencedCommand> commands) {
        if (commands.isEmpty()) {
            return new RoutedCommands(Map.of(), 0, 0, -1);
        }
        List<SequencedCommand> ordered = new ArrayList<>(commands);
        ordered.sort(Comparator.comparingLong(SequencedCommand::seq));
        RoutedCommands.Builder routed = new RoutedCommands.Builder();
        WorldGeometry geometry = core.geometry();
        int sets = core.sets().size();
        long applied = 0;
        long ignored = 0;
        lock.writeLock().lock();
        try {
            for (SequencedCommand sequenced : ordered) {
                WorldCommand command = sequenced.command();
                if (command instanceof WorldCommand.Spawn spawn) {
                    long id = WorldCommand.SPAWNED_IDS + sequenced.seq();
                    float x = (float) spawn.x();
                    float y = (float) spawn.y();
                    int area = geometry.areaOf(x, y);
                    areas.put(id, area);
                    for (int s = 0; s < sets; s++) {
                        routed.add(s, area, new AreaCommand.Add(id, x, y,
                                spawn.components().getOrDefault(core.sets().get(s).name(), Map.of())));
                    }
                    applied++;
                } else if (command instanceof WorldCommand.Despawn despawn) {
                    int area = areas.remove(despawn.entity());
                    if (area < 0) {
                        ignored++;
                        continue;
                    }
                    for (int s = 0; s < sets; s++) {
                        routed.add(s, area, new AreaCommand.Remove(despawn.entity()));
                    }
                    applied++;
                } else {
                    WorldCommand.OnEntity onEntity = (WorldCommand.OnEntity) command;
                    int area = areas.get(onEntity.entity());
                    if (area < 0) {
                        ignored++;
                        continue;
                    }
                    routed.add(core.setOfKind(onEntity.kind()), area, new AreaCommand.Act(onEntity));
                    applied++;
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        return routed.build(applied, ignored, ordered.get(ordered.size() - 1).seq());
    }
}
