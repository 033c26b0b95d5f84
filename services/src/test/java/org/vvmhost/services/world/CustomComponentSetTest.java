package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.command.CommandException;

class CustomComponentSetTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn().with(new HungerSet());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRegisteredSetRunsBesideTheBuiltInOnesAndKeepsTheWorldDeterministic() {
        WorldConfig config = WorldConfig.parse("""
                world:
                  entities: 2000
                  component-sets:
                    physics: {simulators: 2}
                    hunger: {simulators: 1}
                """, Map.of());
        long reference;
        try (World world = TestWorlds.create(config, SETS, 1)) {
            TestWorlds.advanceTo(world, 800);
            reference = world.hash();
            assertThat(world.population()).isEqualTo(2000);
            // Satiety starts at 500..755, so by tick 800 every first-generation entity has starved and been reborn.
            assertThat(world.snapshot().header().nextEntityId()).isGreaterThanOrEqualTo(4000);
        }
        try (World world = TestWorlds.create(config.withComponentSets(Map.of(
                "physics", new WorldConfig.SetConfig(4), "hunger", new WorldConfig.SetConfig(3))), SETS, 2)) {
            TestWorlds.advanceTo(world, 800);
            assertThat(world.hash()).isEqualTo(reference);
        }
    }

    @Test
    void aSetsOwnCommandKindIsCheckedByTheCatalogAndAppliedAtItsTick() throws Exception {
        WorldConfig config = WorldConfig.parse("""
                world:
                  entities: 500
                  areas: {rows: 2, cols: 2}
                  component-sets:
                    physics: {simulators: 1}
                    hunger: {simulators: 2}
                """, Map.of());
        CommandCatalog catalog = CommandCatalog.of(config, SETS);
        assertThat(catalog.kinds()).filteredOn(kind -> kind.kind().equals("feed"))
                .singleElement().satisfies(kind -> assertThat(kind.set()).isEqualTo("hunger"));
        assertThatThrownBy(() -> catalog.parse(JSON.readTree("{\"kind\": \"feed\", \"entity\": 1, \"amount\": 0}"),
                "command", id -> true)).isInstanceOf(CommandException.class)
                .hasMessage("command.amount: must be within [1, 1000], got 0");

        try (World world = TestWorlds.create(config, SETS, 2)) {
            TestWorlds.advanceTo(world, 10);
            long id = world.entities(new int[] {0}, 1).get(0).id();
            int before = satiety(world, id);
            WorldCommand feed = catalog.parse(JSON.readTree("{\"kind\": \"feed\", \"entity\": " + id
                    + ", \"amount\": 300}"), "command", world::exists);

            world.step(tick -> tick == 11 ? List.of(new SequencedCommand(0, feed)) : List.of());

            // Applied at the start of tick 11, which then takes its one point.
            assertThat(satiety(world, id)).isEqualTo(before + 300 - 1);
        }
    }

    private static int satiety(World world, long id) {
        return world.entity(id).orElseThrow().components().get("hunger").get("satiety").intValue();
    }

    @Test
    void theExampleConfigIsValid() {
        WorldConfig config = WorldConfig.load(Path.of("../examples/world/world.yaml"), Map.of());

        assertThat(config.entities()).isEqualTo(100_000);
        assertThat(config.tickRate().hertz()).isEqualTo(20.0);
        assertThat(config.componentSets()).containsOnlyKeys("physics", "vitality");
    }
}
