package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorldViewTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();

    @Test
    void theHeaderCarriesTickSeedHashAndLayout() {
        WorldView view = WorldViews.viewAt(1000, 25);

        WorldView.Header header = WorldView.decode(view.bytes()).header();
        assertThat(header.version()).isEqualTo(WorldView.VERSION);
        assertThat(header.tick()).isEqualTo(25);
        assertThat(header.seed()).isEqualTo(42);
        assertThat(header.population()).isEqualTo(1000);
        assertThat(header.worldHash()).isEqualTo(view.worldHash());
        assertThat(header.geometry()).isEqualTo(WorldViews.config(1000).geometry());
        assertThat(header.sets()).containsExactly(new WorldView.SetLayout("physics", 4, 0),
                new WorldView.SetLayout("vitality", 0, 1));
        assertThat(header.checksum()).isEqualTo(view.header().checksum());
    }

    @Test
    void aFlippedBitIsAChecksumMismatch() {
        byte[] bytes = WorldViews.viewAt(1000, 5).bytes().clone();
        bytes[bytes.length / 2] ^= 1;

        assertThatThrownBy(() -> WorldView.decode(bytes))
                .isInstanceOf(WorldViewException.class)
                .hasMessageStartingWith("world view checksum mismatch: the header says")
                .hasMessageEndingWith("(the backup is corrupt or truncated)");
    }

    @Test
    void otherDamageIsNamed() {
        byte[] good = WorldViews.viewAt(100, 1).bytes();

        assertThatThrownBy(() -> WorldView.decode(new byte[3])).hasMessageContaining("shorter than a header");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> WorldView.decode(magic)).hasMessage("not a world view: the magic bytes are not VVMW");
        byte[] version = good.clone();
        version[4] = 9;
        assertThatThrownBy(() -> WorldView.decode(version))
                .hasMessage("world view format version 9 is not supported; this build reads versions 1 to 2");
        byte[] truncated = WorldViews.resealed(Arrays.copyOf(good, good.length - 4));
        assertThatThrownBy(() -> WorldView.decode(truncated)).hasMessageContaining("lengths disagree");
    }

    @Test
    void aVersionOneViewWrittenBeforeCommandsIsStillRead() {
        WorldView current = WorldViews.viewAt(1000, 12);
        WorldView old = WorldView.decode(WorldViews.asVersionOne(current.bytes()));

        assertThat(old.header().version()).isEqualTo(1);
        assertThat(old.header().entities()).isEqualTo(1000);
        assertThat(old.header().lastCommandSeq()).isEqualTo(-1);
        try (World restored = TestWorlds.restore(WorldViews.config(1000), SETS, 1, old)) {
            assertThat(restored.tick()).isEqualTo(12);
            assertThat(restored.hash()).isEqualTo(current.worldHash());
            assertThat(restored.lastCommandSeq()).isEqualTo(-1);
        }
    }

    @Test
    void aViewAfterSpawnsAndDespawnsChecksTheConfigsEntityCountNotItsPopulation() {
        WorldView view;
        try (World world = TestWorlds.create(WorldViews.config(1000), SETS, 1)) {
            CommandScripts.advanceTo(world, 9, CommandScripts.busy(1000));
            view = world.snapshot();
        }

        assertThat(view.header().population()).isNotEqualTo(1000);
        assertThat(view.header().entities()).isEqualTo(1000);
        assertThat(view.header().lastCommandSeq()).isEqualTo(95);
        try (World restored = TestWorlds.restore(WorldViews.config(1000), SETS, 1, view)) {
            assertThat(restored.population()).isEqualTo(view.header().population());
            assertThat(restored.lastCommandSeq()).isEqualTo(95);
        }
        assertThatThrownBy(() -> TestWorlds.restore(WorldViews.config(999), SETS, 1, view))
                .hasMessageContaining("world.entities is 1000 in the view but 999 in the config");
    }

    @Test
    void aViewThatDoesNotReproduceItsHashIsRefused() {
        WorldView view = WorldViews.viewAt(1000, 10);
        byte[] tampered = view.bytes().clone();
        // The last bytes are the last area's health column: change a value, keep the checksum valid.
        tampered[tampered.length - 4] ^= 1;
        WorldView resealed = WorldView.decode(WorldViews.resealed(tampered));

        assertThatThrownBy(() -> TestWorlds.restore(WorldViews.config(1000), SETS, 1, resealed))
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("world view of tick 10 does not reproduce its world hash");
    }

    @Test
    void aViewOfAnotherWorldNamesTheFieldThatDiffers() {
        WorldView view = WorldViews.viewAt(1000, 3);

        assertThatThrownBy(() -> TestWorlds.restore(WorldViews.config(1000).withSeed(1), SETS, 1, view))
                .isInstanceOf(WorldViewException.class)
                .hasMessage("the world view was written for another world: world.seed is 42 in the view but 1 in "
                        + "the config");
        assertThatThrownBy(() -> TestWorlds.restore(WorldViews.config(1000).withAreas(2, 2), SETS, 1, view))
                .hasMessageContaining("world.areas is 4 × 4 in the view but 2 × 2 in the config");
        assertThatThrownBy(() -> TestWorlds.restore(WorldViews.config(999), SETS, 1, view))
                .hasMessageContaining("world.entities is 1000 in the view but 999 in the config");
        assertThatThrownBy(() -> TestWorlds.restore(WorldViews.config(1000).withComponentSets(
                        java.util.Map.of("physics", new WorldConfig.SetConfig(1))), SETS, 1, view))
                .hasMessageContaining("world.component-sets is");
    }
}
