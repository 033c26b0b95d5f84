package org.vvmhost.services.world;

import java.util.List;

/**
 * vitality = {Health}: each tick an entity regenerates a little and, by a deterministic draw, may take a hit.
 * Hits outweigh regeneration on average, so entities die (and are reborn) at a steady rate.
 */
final class VitalitySet extends BuiltInSet {

    static final int HEALTH = 0;
    static final int MAX_HEALTH = 100;
    static final int REGENERATION = 1;
    /** The largest damage or heal one command may carry. */
    static final int MAX_AMOUNT = 1_000_000;

    VitalitySet() {
        super("vitality", List.of(), List.of("health"));
    }

    /** {@code damage} and {@code heal}; the tick then regenerates and draws its hit as usual, and may kill. */
    @Override
    public List<CommandKind> commands(WorldGeometry geometry) {
        return List.of(
                new CommandKind("damage", "takes health away; the tick that follows regenerates 1 point, and an entity "
                        + "left at 0 or below dies",
                        List.of(CommandField.integer("amount", 0, MAX_AMOUNT, "health points taken"))),
                new CommandKind("heal", "gives health back, up to " + MAX_HEALTH,
                        List.of(CommandField.integer("amount", 0, MAX_AMOUNT, "health points given"))));
    }

    @Override
    public List<CommandField> spawnFields(WorldGeometry geometry) {
        return List.of(CommandField.integer("health", 1, MAX_HEALTH, "the initial health; default " + MAX_HEALTH));
    }

    @Override
    public void apply(WorldCommand.OnEntity command, Columns columns, int row, WorldGeometry geometry) {
        int[] health = columns.ints(HEALTH);
        int amount = (int) command.field("amount");
        switch (command.kind()) {
            // Health stays far from int overflow: it is at most MAX_HEALTH and falls by at most MAX_AMOUNT + 40.
            case "damage" -> health[row] = Math.max(health[row], -MAX_AMOUNT) - amount;
            case "heal" -> health[row] = Math.min(MAX_HEALTH, health[row] + amount);
            default -> super.apply(command, columns, row, geometry);
        }
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
