package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViews;
import org.vvmhost.services.world.view.WorldViewStore;

class PreflightTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void everyUnknownComponentSetIsNamedWithTheKnownOnes() {
        WorldConfig config = WorldConfig.parse("", Map.of("world.component-sets.hunger.simulators", "1",
                "world.component-sets.thirst", "{}"));

        assertThat(Preflight.config(config, SETS, 4 * GIB)).extracting(Preflight.Finding::message).containsExactly(
                "world.component-sets.hunger: unknown component set; the known sets are physics, vitality. Enable "
                        + "only known sets under world.component-sets (in --world-config or --world-set)",
                "world.component-sets.thirst: unknown component set; the known sets are physics, vitality. Enable "
                        + "only known sets under world.component-sets (in --world-config or --world-set)");
    }

    @Test
    void aWorldTooLargeForTheHeapNamesXmxAndTheFigures() {
        WorldConfig config = WorldConfig.defaults().withEntities(WorldConfig.MAX_ENTITIES);

        assertThat(Preflight.heapBytesPerEntity(config, SETS)).as("36 snapshot bytes, twice (one passive), × 7")
                .isEqualTo(504);
        assertThat(Preflight.config(config, SETS, 6 * GIB)).singleElement().satisfies(finding -> {
            assertThat(finding.field()).isEqualTo("world.entities");
            assertThat(finding.problem()).isEqualTo("50000000 entities need about 23.5 GiB of heap (504 bytes each "
                    + "with component sets physics, vitality and 1 passive(s) per area), but this JVM may use at "
                    + "most 6.0 GiB (-Xmx)");
            assertThat(finding.fix()).isEqualTo("Give the JVM a larger heap, for example JAVA_TOOL_OPTIONS=-Xmx30g "
                    + "(in a container, with a memory limit to match), or lower world.entities to at most 12649488");
        });
    }

    @Test
    void theEstimateFollowsTheWorldsShape() {
        WorldConfig example = WorldConfig.defaults().withEntities(100_000);
        assertThat(Preflight.config(example, SETS, 256L << 20)).as("the example world in a small heap").isEmpty();
        assertThat(Preflight.config(example.withEntities(1_000_000), SETS, 512L << 20)).as("measured: 10^6 did "
                + "not run in 520 MiB").isNotEmpty();
        assertThat(Preflight.config(example.withEntities(1_000_000), SETS, 600L << 20)).as("and ran in 600 MiB")
                .isEmpty();
        assertThat(Preflight.heapBytesPerEntity(example.withPassivesPerArea(0), SETS)).isEqualTo(252);
        assertThat(Preflight.heapBytesPerEntity(example.withComponentSets(Map.of("physics",
                new WorldConfig.SetConfig(2))), SETS)).isEqualTo(24 * 7 * 2);
    }

    @Test
    void aStoreThatCannotBeUsedIsSaidPlainly() throws Exception {
        Path file = Files.writeString(dir.resolve("views"), "not a directory");

        assertThat(Preflight.store(WorldViewStore.file(file), "--world-store")).hasValueSatisfying(finding ->
                assertThat(finding.message()).isEqualTo("--world-store: the world view directory " + file + " is not "
                        + "writable: not a directory (" + file + "). Give a directory this process can create and "
                        + "write (check its owner and mode), or leave --world-store out to keep the world views in "
                        + "the election's data"));
        assertThat(Preflight.store(WorldViewStore.file(dir.resolve("fine")), "--world-store")).isEmpty();
    }

    @Test
    void aStoredWorldOfAnotherConfigNamesTheFieldAndWhatToDo() {
        WorldView.Header stored = WorldViews.viewAt(1000, 40).header();
        WorldConfig same = WorldViews.config(1000);

        assertThat(Preflight.compare(same, SETS, stored, "the election's data", "delete them")).isEmpty();
        assertThat(Preflight.compare(same.withSeed(7), SETS, stored, "the election's data under 'world/'",
                "delete the keys under vvmhost-data/world/ (etcdctl del --prefix vvmhost-data/world/)"))
                .hasValueSatisfying(finding -> assertThat(finding.message()).isEqualTo("world.seed: the stored world "
                        + "(the world view of tick 40 in the election's data under 'world/') has world.seed 42, this "
                        + "replica's config has 7; this replica does not campaign while they differ. Run it with the "
                        + "config the stored world was written with (world.seed 42); to start a fresh world instead, "
                        + "stop every replica and delete the keys under vvmhost-data/world/ (etcdctl del --prefix "
                        + "vvmhost-data/world/)"));
        assertThat(Preflight.compare(same.withEntities(2000), SETS, stored, "x", "y")).map(Preflight.Finding::field)
                .contains("world.entities");
        assertThat(Preflight.compare(same.withComponentSets(Map.of("physics", new WorldConfig.SetConfig(1))), SETS,
                stored, "x", "y")).map(Preflight.Finding::problem).hasValueSatisfying(problem -> assertThat(problem)
                .contains("has world.component-sets [physics, vitality], this replica's config has [physics]"));
    }
}
