package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldConfigTest {

    private static final String FULL = """
            world:
              size: {width: 2000, height: 500}
              areas: {rows: 2, cols: 8}
              entities: 100000
              seed: 7
              tick-rate: 20
              component-sets:
                physics: {simulators: 2}
                vitality: {simulators: 1}
              passives-per-area: 1
              backup-interval: 100
            """;

    @Test
    void parsesEveryField() {
        WorldConfig config = WorldConfig.parse(FULL, Map.of());

        assertThat(config.size()).isEqualTo(new WorldConfig.Size(2000, 500));
        assertThat(config.areas()).isEqualTo(new WorldConfig.Areas(2, 8));
        assertThat(config.entities()).isEqualTo(100_000);
        assertThat(config.seed()).isEqualTo(7);
        assertThat(config.tickRate().hertz()).isEqualTo(20.0);
        assertThat(config.tickRate().period().toMillis()).isEqualTo(50);
        assertThat(config.componentSets()).containsExactly(
                Map.entry("physics", new WorldConfig.SetConfig(2)), Map.entry("vitality", new WorldConfig.SetConfig(1)));
        assertThat(config.passivesPerArea()).isEqualTo(1);
        assertThat(config.backupInterval()).isEqualTo(100);
    }

    @Test
    void anEmptyDocumentGivesTheDefaults() {
        assertThat(WorldConfig.parse("", Map.of())).isEqualTo(WorldConfig.defaults());
        assertThat(WorldConfig.parse("world: {}", Map.of())).isEqualTo(WorldConfig.defaults());
    }

    @Test
    void tickRateMaxMeansAsFastAsPossible() {
        WorldConfig config = WorldConfig.parse("world: {tick-rate: max}", Map.of());

        assertThat(config.tickRate().isMax()).isTrue();
        assertThat(config.tickRate().period()).isZero();
    }

    @Test
    void overridesWinOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("world.yaml");
        Files.writeString(file, FULL);

        WorldConfig config = WorldConfig.load(file, Map.of("world.entities", "5000", "world.tick-rate", "max",
                "world.component-sets.physics.simulators", "4"));

        assertThat(config.entities()).isEqualTo(5000);
        assertThat(config.tickRate().isMax()).isTrue();
        assertThat(config.componentSets().get("physics").simulators()).isEqualTo(4);
        assertThat(config.seed()).isEqualTo(7);
    }

    @Test
    void anOverrideOfOneComponentSetKeepsTheOtherDefaultSets() {
        WorldConfig config = WorldConfig.parse("", Map.of("world.component-sets.physics.simulators", "2"));

        assertThat(config.componentSets().keySet()).isEqualTo(WorldConfig.defaults().componentSets().keySet());
        assertThat(config.componentSets().get("physics").simulators()).isEqualTo(2);
        assertThat(config.componentSets()).hasSizeGreaterThan(1);
        WorldConfig.defaults().componentSets().forEach((name, set) -> {
            if (!name.equals("physics")) {
                assertThat(config.componentSets().get(name)).as(name).isEqualTo(set);
            }
        });
    }

    @Test
    void errorsNameTheField() {
        assertError("world: {areas: {rows: 0}}", "world.areas.rows: must be ≥ 1, got 0");
        assertError("world: {areas: {rowz: 2}}", "world.areas.rowz: unknown field; known fields: cols, rows");
        assertError("world: {tick-rate: fast}", "world.tick-rate: must be a number of Hz > 0, or max, got 'fast'");
        assertError("world: {tick-rate: 0}", "world.tick-rate: must be a number of Hz > 0, or max, got 0.0");
        assertError("world: {entities: many}", "world.entities: must be a whole number, got 'many'");
        assertError("world: {entities: -1}", "world.entities: must be between 0 and 50000000, got -1");
        assertError("world: {component-sets: {physics: {simulators: 0}}}",
                "world.component-sets.physics.simulators: must be ≥ 1, got 0");
        assertError("world: {component-sets: {}}", "world.component-sets: enable at least one component set, got none");
        assertError("world: {size: {width: -5}}", "world.size.width: must be a finite number > 0, got -5.0");
        assertError("world: {backup-interval: 0}", "world.backup-interval: must be ≥ 1 tick, got 0");
        assertError("wurld: {}", "wurld: unknown field; known fields: world");
        assertError("world: [1, 2]", "world: must be a mapping, got ''");
        assertError("world: {seed: [", "world config: <text> is not valid YAML");
    }

    @Test
    void aBadOverrideNamesItsPath() {
        assertThatThrownBy(() -> WorldConfig.parse("", Map.of("world.areas.cols", "0")))
                .isInstanceOf(WorldConfigException.class)
                .hasMessage("world.areas.cols: must be ≥ 1, got 0");
        assertThatThrownBy(() -> WorldConfig.parse("", Map.of("entities", "5")))
                .isInstanceOf(WorldConfigException.class)
                .hasMessageStartingWith("entities: an override must name a field under 'world.'");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> WorldConfig.load(dir.resolve("nope.yaml"), Map.of()))
                .isInstanceOf(WorldConfigException.class)
                .hasMessageContaining("nope.yaml does not exist");
    }

    @Test
    void anUnknownComponentSetIsNamedWhenTheWorldIsCreated() {
        WorldConfig config = WorldConfig.parse("world: {component-sets: {gravity: {}}}", Map.of());

        assertThatThrownBy(() -> TestWorlds.create(config, ComponentSetRegistry.builtIn(), 1))
                .isInstanceOf(WorldConfigException.class)
                .hasMessage("world.component-sets.gravity: unknown component set; registered: physics, vitality");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> WorldConfig.parse(yaml, Map.of()))
                .isInstanceOf(WorldConfigException.class)
                .hasMessageStartingWith(message);
    }
}
