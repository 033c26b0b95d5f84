package org.vvmhost.services.world.core;

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

    /**
     * Indexes into the plan's arrays, per area: what each area loses and gains, in plan order. Built once per use,
     * as three counting sorts (no list per area).
     */
    public static final class ByArea {
        final Grouped deaths;
        final Grouped movesOut;
        final Grouped births;

        ByArea(BoundaryPlan plan, int areas) {
            this.deaths = new Grouped(areas, plan.deadAreas);
            this.movesOut = new Grouped(areas, plan.moveFrom);
            this.births = new Grouped(areas, plan.bornAreas);
        }
    }

    /** The indexes of a plan array by area: those of area {@code a} are {@code items[start[a] .. start[a+1])}. */
    static final class Grouped {
        final int[] start;
        final int[] items;

        Grouped(int areas, int[] areaOfItem) {
            start = new int[areas + 1];
            for (int area : areaOfItem) {
                start[area + 1]++;
            }
            for (int a = 0; a < areas; a++) {
                start[a + 1] += start[a];
            }
            items = new int[areaOfItem.length];
            int[] next = Arrays.copyOf(start, areas);
            for (int i = 0; i < areaOfItem.length; i++) {
                items[next[areaOfItem[i]]++] = i;
            }
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
     * The working arrays of {@link #merge}, kept from one tick to the next by the one thread that merges, so that
     * a steady tick allocates the plan only. Not thread-safe.
     */
    public static final class Scratch {
        private long[] deadIds = new long[0];
        private long[] deadAreas = new long[0];
        private long[] moveKeys = new long[0];
        private long[] moveSetAndIndex = new long[0];
        private int[] moveFrom = new int[0];
        private int[] moveTo = new int[0];
        private int[] keptFrom = new int[0];
        private int[] keptTo = new int[0];
        private long[] sortKeys = new long[0];
        private long[] sortValues = new long[0];
        private final int[] counts = new int[257];

        private void fit(int deaths, int moves) {
            if (deadIds.length < deaths) {
                int capacity = deaths + (deaths >> 2);
                deadIds = new long[capacity];
                deadAreas = new long[capacity];
            }
            if (moveKeys.length < moves) {
                int capacity = moves + (moves >> 2);
                moveKeys = new long[capacity];
                moveSetAndIndex = new long[capacity];
                moveFrom = new int[capacity];
                moveTo = new int[capacity];
                keptFrom = new int[capacity];
                keptTo = new int[capacity];
            }
            int most = Math.max(deadIds.length, moveKeys.length);
            if (sortKeys.length < most) {
                sortKeys = new long[most];
                sortValues = new long[most];
            }
        }

        /**
         * Sorts {@code keys[0, n)} with their {@code values} by key, keeping the order of equal keys: a radix sort
         * that skips the bytes in which all keys agree (ids of one world share their high bytes).
         */
        void sortByKey(long[] keys, long[] values, int n) {
            long differ = 0;
            for (int i = 1; i < n; i++) {
                differ |= keys[i] ^ keys[0];
            }
            long[] fromKeys = keys;
            long[] fromValues = values;
            long[] toKeys = sortKeys;
            long[] toValues = sortValues;
            for (int shift = 0; shift < Long.SIZE; shift += Byte.SIZE) {
                if ((differ >>> shift & 0xFF) == 0) {
                    continue;
                }
                Arrays.fill(counts, 0);
                for (int i = 0; i < n; i++) {
                    counts[digit(fromKeys[i], shift) + 1]++;
                }
                for (int b = 0; b < 256; b++) {
                    counts[b + 1] += counts[b];
                }
                for (int i = 0; i < n; i++) {
                    int at = counts[digit(fromKeys[i], shift)]++;
                    toKeys[at] = fromKeys[i];
                    toValues[at] = fromValues[i];
                }
                long[] swap = fromKeys;
                fromKeys = toKeys;
                toKeys = swap;
                swap = fromValues;
                fromValues = toValues;
                toValues = swap;
            }
            if (fromKeys != keys) {
                System.arraycopy(fromKeys, 0, keys, 0, n);
                System.arraycopy(fromValues, 0, values, 0, n);
            }
        }

        /** The byte of {@code key} at {@code shift}, the sign flipped so that negative keys sort first. */
        private static int digit(long key, int shift) {
            return (int) ((key ^ Long.MIN_VALUE) >>> shift) & 0xFF;
        }
    }

    /**
     * Merges the events of all simulators; {@code nextEntityId} is the first id given to a newborn. Sorting pairs of
     * primitives does it without a hash map per tick: an entity's reports sort together, and the lowest set's is
     * kept.
     */
    public static BoundaryPlan merge(List<TickEvents> events, WorldGeometry geometry, long seed, long nextEntityId,
            Scratch scratch) {
        int deadCount = 0;
        int moveCount = 0;
        for (TickEvents e : events) {
            deadCount += e.deadIds().length;
            moveCount += e.movedIds().length;
        }
        scratch.fit(deadCount, moveCount);
        // Deaths by id, with their area (the same in every set that reports one).
        long[] deadIdsAll = scratch.deadIds;
        long[] deadAreaOf = scratch.deadAreas;
        // Moves by id; of an entity's, the first set in canonical order wins. The value finds the move again.
        long[] moveKeys = scratch.moveKeys;
        long[] moveSetAndIndex = scratch.moveSetAndIndex;
        int[] moveFromAll = scratch.moveFrom;
        int[] moveToAll = scratch.moveTo;
        int d = 0;
        int m = 0;
        for (TickEvents e : events) {
            for (int i = 0; i < e.deadIds().length; i++, d++) {
                deadIdsAll[d] = e.deadIds()[i];
                deadAreaOf[d] = e.deadAreas()[i];
            }
            for (int i = 0; i < e.movedIds().length; i++, m++) {
                moveKeys[m] = e.movedIds()[i];
                moveSetAndIndex[m] = ((long) e.setIndex() << 32) | m;
                moveFromAll[m] = e.movedFrom()[i];
                moveToAll[m] = e.movedTo()[i];
            }
        }
        scratch.sortByKey(deadIdsAll, deadAreaOf, deadCount);
        int dead = 0;
        for (int i = 0; i < deadCount; i++) {
            if (dead == 0 || deadIdsAll[i] != deadIdsAll[dead - 1]) {
                deadIdsAll[dead] = deadIdsAll[i];
                deadAreaOf[dead] = deadAreaOf[i];
                dead++;
            }
        }
        long[] deadIds = Arrays.copyOf(deadIdsAll, dead);
        int[] deadAreas = new int[dead];
        for (int i = 0; i < dead; i++) {
            deadAreas[i] = (int) deadAreaOf[i];
        }
        scratch.sortByKey(moveKeys, moveSetAndIndex, moveCount);
        // The moves kept are written over the sorted keys, which are read ahead of them.
        int[] keptFrom = scratch.keptFrom;
        int[] keptTo = scratch.keptTo;
        int kept = 0;
        int nextDead = 0;
        for (int i = 0; i < moveCount; ) {
            long id = moveKeys[i];
            long first = moveSetAndIndex[i];
            for (i++; i < moveCount && moveKeys[i] == id; i++) {
                first = Math.min(first, moveSetAndIndex[i]);
            }
            while (nextDead < dead && deadIds[nextDead] < id) {
                nextDead++;
            }
            if (nextDead < dead && deadIds[nextDead] == id) {
                continue;
            }
            int at = (int) first;
            moveKeys[kept] = id;
            keptFrom[kept] = moveFromAll[at];
            keptTo[kept] = moveToAll[at];
            kept++;
        }
        long[] moveIds = Arrays.copyOf(moveKeys, kept);
        int[] moveFrom = Arrays.copyOf(keptFrom, kept);
        int[] moveTo = Arrays.copyOf(keptTo, kept);
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
}
