package org.vvmhost.services.world;

import java.util.List;

/** A test component set: a tag derived from the id at birth that never changes, and a tick counter. */
public final class TagSet implements ComponentSet {

    public static int tagOf(long id) {
        return (int) (id * 7 + 3);
    }

    @Override
    public String name() {
        return "tag";
    }

    @Override
    public ComponentSchema schema() {
        return new ComponentSchema(List.of(), List.of("tag", "ticks"));
    }

    @Override
    public void spawn(Spawn spawn, Columns columns, int row) {
        columns.ints(0)[row] = tagOf(spawn.entityId());
    }

    @Override
    public void tick(TickContext context, Columns columns) {
        int[] ticks = columns.ints(1);
        for (int i = 0; i < columns.size(); i++) {
            ticks[i]++;
        }
    }
}
