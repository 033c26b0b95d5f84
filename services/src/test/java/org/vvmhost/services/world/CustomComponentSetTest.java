package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomComponentSetTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn().with(new HungerSet());

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
    void theExampleConfigIsValid() {
        WorldConfig config = WorldConfig.load(Path.of("../examples/world/world.yaml"), Map.of());

        assertThat(config.entities()).isEqualTo(100_000);
        assertThat(config.tickRate().hertz()).isEqualTo(20.0);
        assertThat(config.componentSets()).containsOnlyKeys("physics", "vitality");
    }
}
