package org.vvmhost.services.world.core;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.Arrays;
import java.util.List;
import org.vvmhost.services.world.WorldGeometry;

/**
 * The structural changes of one tick, merged from every simulator's events in a fixed order, so the result does
 * not depend on who simulated what: deaths by entity id, then moves by entity id (a dead entity does not move;
 * if two sets move one entity, the first set in canonical order wins), then one newborn per death, ids assigned
 * in the order of the dead. Index {@code i} of the dead, move and born arrays is one death, move or birth.
 */
public record BoundaryPlan(long[] deadIds, int[] deadAreas, long[] moveIds, int[] moveFrom, int[] moveTo,
                           long[] bornIds, float[] bornX, float[] bornY, int[] bornAreas) {

    /** Indexes into the plan's arrays, per area: what each area loses and gains. Built once per use. */
    public static final class ByArea {
        final IntArrayList[] deathsIn;
        final IntArrayList[] movesOutOf;
        final IntArrayList[] birthsIn;

        ByArea(BoundaryPlan plan, int areas) {
            this.deathsIn = index(areas, plan.deadAreas);
            this.movesOutOf = index(areas, plan.moveFrom);
            this.birthsIn = index(areas, plan.bornAreas);
        }
    }

    public boolean isEmpty() {
        return deadIds.length == 0 && moveIds.length == 0;
    }

    /** The per-area index of this plan in a world of {@code areas} areas. */
    public ByArea byArea(int areas) {
        return new ByArea(this, areas);
    }

    /** Merges the events of all simulators; {@code nextEntityId} is the first id given to a newborn. */
    public static BoundaryPlan merge(List<TickEvents> events, WorldGeometry geometry, long seed, long nextEntityId) {
        Long2IntOpenHashMap deaths = new Long2IntOpenHashMap();
        LongArrayList moveKeys = new LongArrayList();
        Long2IntOpenHashMap moveTargets = new Long2IntOpenHashMap();
        Long2IntOpenHashMap moveSources = new Long2IntOpenHashMap();
        Long2IntOpenHashMap moveSetIndex = new Long2IntOpenHashMap();
        for (TickEvents e : events) {
            for (int i = 0; i < e.deadIds().length; i++) {
                deaths.put(e.deadIds()[i], e.deadAreas()[i]);
            }
            for (int i = 0; i < e.movedIds().length; i++) {
                long id = e.movedIds()[i];
                if (!moveSetIndex.containsKey(id) || e.setIndex() < moveSetIndex.get(id)) {
                    if (!moveSetIndex.containsKey(id)) {
                        moveKeys.add(id);
                    }
                    moveSetIndex.put(id, e.setIndex());
                    moveTargets.put(id, e.movedTo()[i]);
                    moveSources.put(id, e.movedFrom()[i]);
                }
            }
        }
        long[] deadIds = deaths.keySet().toLongArray();
        Arrays.sort(deadIds);
        int[] deadAreas = new int[deadIds.length];
        for (int i = 0; i < deadIds.length; i++) {
            deadAreas[i] = deaths.get(deadIds[i]);
        }
        long[] moveIds = moveKeys.toLongArray();
        Arrays.sort(moveIds);
        int kept = 0;
        for (long id : moveIds) {
            if (!deaths.containsKey(id)) {
                moveIds[kept++] = id;
            }
        }
        moveIds = Arrays.copyOf(moveIds, kept);
        int[] moveFrom = new int[kept];
        int[] moveTo = new int[kept];
        for (int i = 0; i < kept; i++) {
            moveFrom[i] = moveSources.get(moveIds[i]);
            moveTo[i] = moveTargets.get(moveIds[i]);
        }
        int born = deadIds.length;
        long[] bornIds = new long[born];
        float[] bornX = new float[born];
        float[] bornY = new float[born];
        int[] bornAreas = new int[born];
        for (int i = 0; i < born; i++) {
            long id = nextEntityId + i;
            bornIds[i] = id;
            bornX[i] = geometry.spawnX(seed, id);
            bornY[i] = geometry.spawnY(seed, id);
            bornAreas[i] = geometry.areaOf(bornX[i], bornY[i]);
        }
        return new BoundaryPlan(deadIds, deadAreas, moveIds, moveFrom, moveTo, bornIds, bornX, bornY, bornAreas);
    }

    private static IntArrayList[] index(int areas, int[] areaOfItem) {
        IntArrayList[] byArea = new IntArrayList[areas];
        for (int i = 0; i < areaOfItem.length; i++) {
            int area = areaOfItem[i];
            if (byArea[area] == null) {
                byArea[area] = new IntArrayList();
            }
            byArea[area].add(i);
        }
        return byArea;
    }
}
