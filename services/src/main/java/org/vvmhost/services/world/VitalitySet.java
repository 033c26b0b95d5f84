package org.vvmhost.services.world;

import java.util.List;

/**
 * vitality = {Health}: each tick an entity regenerates a little and, by a deterministic draw, may take a hit.
 * Hits outweigh regeneration on average, so entities die (and are reborn) at a steady rate.
 */
final class VitalitySet implements ComponentSet {

    static final int HEALTH = 0;
    static final int MAX_HEALTH = 100;
    static final int REGENERATION = 1;

    private static final ComponentSchema SCHEMA = new ComponentSchema(List.of(), List.of("health"));

    @Override
    public String name() {
        return "vitality";
    }

    @Override
    public ComponentSchema schema() {
        return SCHEMA;
    }

    @Override
    public void spawn(Spawn spawn, Columns columns, int row) {
        columns.ints(HEALTH)[row] = MAX_HEALTH;
    }

    @Override
    public void tick(TickContext context, Columns columns) {
        long seed = context.seed();
        long tick = context.tick();
        long[] ids = columns.ids();
        int[] health = columns.ints(HEALTH);
        int size = columns.size();
        for (int i = 0; i < size; i++) {
            long draw = WorldRandom.mix(seed, ids[i], tick);
            // One tick in 16, a hit of 10..40.
            int damage = (draw & 15) == 0 ? 10 + (int) ((draw >>> 4) % 31) : 0;
            int next = Math.min(MAX_HEALTH, health[i] + REGENERATION) - damage;
            health[i] = next;
            if (next <= 0) {
                context.died(i);
            }
        }
    }
}
