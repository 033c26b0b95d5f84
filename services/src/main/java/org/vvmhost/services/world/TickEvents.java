package org.vvmhost.services.world;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;

/** What one simulator's partitions reported during a tick: moves and deaths, applied later at the boundary. */
final class TickEvents {

    final int setIndex;
    final LongArrayList movedIds = new LongArrayList();
    final IntArrayList movedFrom = new IntArrayList();
    final IntArrayList movedTo = new IntArrayList();
    final LongArrayList deadIds = new LongArrayList();
    final IntArrayList deadAreas = new IntArrayList();

    TickEvents(int setIndex) {
        this.setIndex = setIndex;
    }
}
