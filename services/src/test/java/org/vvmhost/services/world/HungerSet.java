package org.vvmhost.services.world;

import java.util.List;

/** The component set of the README's example, compiled and run here so the example stays true. */
final class HungerSet implements ComponentSet {

    @Override
    public String name() {
        return "hunger";
    }

    @Override
    public ComponentSchema schema() {
        return new ComponentSchema(List.of(), List.of("satiety"));
    }

    @Override
    public void spawn(Spawn spawn, Columns columns, int row) {
        columns.ints(0)[row] = 500 + (int) (WorldRandom.mix(spawn.seed(), spawn.entityId(), 7) & 255);
    }

    @Override
    public List<CommandKind> commands(WorldGeometry geometry) {
        return List.of(new CommandKind("feed", "adds to the entity's satiety",
                List.of(CommandField.integer("amount", 1, 1000, "satiety points given"))));
    }

    @Override
    public void apply(WorldCommand.OnEntity command, Columns columns, int row, WorldGeometry geometry) {
        columns.ints(0)[row] += (int) command.field("amount");
    }

    @Override
    public void tick(TickContext context, Columns columns) {
        int[] satiety = columns.ints(0);
        for (int row = 0; row < columns.size(); row++) {
            if (--satiety[row] <= 0) {
                context.died(row);
            }
        }
    }
}
