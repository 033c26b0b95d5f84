package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GeometryAndRegistryTest {

    private final WorldGeometry geometry = new WorldGeometry(1000, 500, 2, 4);

    @Test
    void areasAreRowMajorAndTheFarEdgesBelongToTheLastRowAndColumn() {
        assertThat(geometry.areaOf(0, 0)).isZero();
        assertThat(geometry.areaOf(249.9f, 249.9f)).isZero();
        assertThat(geometry.areaOf(250, 0)).isEqualTo(1);
        assertThat(geometry.areaOf(0, 250)).isEqualTo(4);
        assertThat(geometry.areaOf(1000, 500)).isEqualTo(7);
        assertThat(geometry.areaOf(-1, -1)).isZero();
    }

    @Test
    void spawnPointsLieInsideTheWorld() {
        for (long id = 0; id < 10_000; id++) {
            assertThat(geometry.spawnX(42, id)).isBetween(0f, 1000f);
            assertThat(geometry.spawnY(42, id)).isBetween(0f, 500f);
        }
    }

    @Test
    void aRegistryRefusesBadAndDuplicateNames() {
        ComponentSetRegistry registry = ComponentSetRegistry.builtIn();

        assertThat(registry.sets()).containsOnlyKeys("physics", "vitality");
        assertThatThrownBy(() -> registry.with(new PhysicsSet()))
                .hasMessage("a component set named 'physics' is already registered");
        assertThatThrownBy(() -> registry.with(named("Bad Name")))
                .hasMessageContaining("must be lower-case letters, digits and dashes");
        assertThatThrownBy(() -> new ComponentSetRegistry(java.util.Map.of("alias", new PhysicsSet())))
                .hasMessage("component set registered as 'alias' is named 'physics'");
    }

    private static ComponentSet named(String name) {
        ComponentSet tags = new TagSet();
        return new ComponentSet() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ComponentSchema schema() {
                return tags.schema();
            }

            @Override
            public void spawn(Spawn spawn, Columns columns, int row) {
                tags.spawn(spawn, columns, row);
            }

            @Override
            public void tick(TickContext context, Columns columns) {
                tags.tick(context, columns);
            }
        };
    }
}
