package org.vvmhost.services.world.core;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrays;
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

    /**
     * Merges the events of all simulators; {@code nextEntityId} is the first id given to a newborn. Sorting pairs of
     * primitives does it without a hash map per tick: an entity's reports sort together, and the first is kept.
     */
    public static BoundaryPlan merge(List<TickEvents> events, WorldGeometry geometry, long seed, long nextEntityId) {
        int deadCount = 0;
        int moveCount = 0;
        for (TickEvents e : events) {
            deadCount += e.deadIds().length;
            moveCount += e.movedIds().length;
        }
        // Deaths by id, with their area (the same in every set that reports one).
        long[] deadIds = new long[deadCount];
        long[] deadAreaOf = new long[deadCount];
        // Moves by id, then by set: the first set in canonical order wins. The second key finds the move again.
        long[] moveKeys = new long[moveCount];
        long[] moveSetAndIndex = new long[moveCount];
        int[] moveFromAll = new int[moveCount];
        int[] moveToAll = new int[moveCount];
        int d = 0;
        int m = 0;
        for (TickEvents e : events) {
            for (int i = 0; i < e.deadIds().length; i++, d++) {
                deadIds[d] = e.deadIds()[i];
                deadAreaOf[d] = e.deadAreas()[i];
            }
            for (int i = 0; i < e.movedIds().length; i++, m++) {
                moveKeys[m] = e.movedIds()[i];
                moveSetAndIndex[m] = ((long) e.setIndex() << 32) | m;
                moveFromAll[m] = e.movedFrom()[i];
                moveToAll[m] = e.movedTo()[i];
            }
        }
        LongArrays.radixSort(deadIds, deadAreaOf);
        int dead = 0;
        for (int i = 0; i < deadCount; i++) {
            if (dead == 0 || deadIds[i] != deadIds[dead - 1]) {
                deadIds[dead] = deadIds[i];
                deadAreaOf[dead] = deadAreaOf[i];
                dead++;
            }
        }
        deadIds = Arrays.copyOf(deadIds, dead);
        int[] deadAreas = new int[dead];
        for (int i = 0; i < dead; i++) {
            deadAreas[i] = (int) deadAreaOf[i];
        }
        LongArrays.radixSort(moveKeys, moveSetAndIndex);
        long[] moveIds = new long[moveCount];
        int[] moveFrom = new int[moveCount];
        int[] moveTo = new int[moveCount];
        int kept = 0;
        int nextDead = 0;
        for (int i = 0; i < moveCount; i++) {
            long id = moveKeys[i];
            if (i > 0 && id == moveKeys[i - 1]) {
                continue;
            }
            while (nextDead < dead && deadIds[nextDead] < id) {
                nextDead++;
            }
            if (nextDead < dead && deadIds[nextDead] == id) {
                continue;
            }
            int at = (int) moveSetAndIndex[i];
            moveIds[kept] = id;
            moveFrom[kept] = moveFromAll[at];
            moveTo[kept] = moveToAll[at];
            kept++;
        }
        moveIds = Arrays.copyOf(moveIds, kept);
        moveFrom = Arrays.copyOf(moveFrom, kept);
        moveTo = Arrays.copyOf(moveTo, kept);
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
