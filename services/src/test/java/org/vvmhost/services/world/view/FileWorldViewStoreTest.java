package org.vvmhost.services.world.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.WorldViews;

class FileWorldViewStoreTest {

    @TempDir
    Path dir;

    @Test
    void aSavedViewLoadsBackByteForByteAndRestoresTheWorld() {
        WorldViewStore store = WorldViewStore.parse("file:" + dir);
        WorldView view = WorldViews.viewAt(2000, 40);

        store.save(view);
        WorldViewStore.LoadResult loaded = store.load();

        assertThat(loaded.rejected()).isEmpty();
        assertThat(loaded.view()).hasValueSatisfying(v -> assertThat(v.bytes()).isEqualTo(view.bytes()));
        try (World world = TestWorlds.restore(WorldViews.config(2000), ComponentSetRegistry.builtIn(), 1,
                loaded.view().orElseThrow())) {
            assertThat(world.tick()).isEqualTo(40);
            assertThat(world.hash()).isEqualTo(view.worldHash());
        }
    }

    @Test
    void anEmptyStoreLoadsNothing() {
        assertThat(WorldViewStore.file(dir.resolve("absent")).load().view()).isEmpty();
    }

    @Test
    void keepsTheNewestTwo() throws IOException {
        WorldViewStore store = WorldViewStore.file(dir);
        for (long tick = 1; tick <= 3; tick++) {
            store.save(WorldViews.viewAt(100, tick));
        }

        assertThat(files()).containsExactly("world-view-000000000002.bin", "world-view-000000000003.bin");
        assertThat(store.load().view().orElseThrow().tick()).isEqualTo(3);
    }

    @Test
    void aCorruptNewestViewGivesAClearErrorAndThePreviousOneIsUsed() throws IOException {
        WorldViewStore store = WorldViewStore.file(dir);
        store.save(WorldViews.viewAt(500, 10));
        store.save(WorldViews.viewAt(500, 20));
        flipABit(dir.resolve("world-view-000000000002.bin"), 100);

        WorldViewStore.LoadResult loaded = store.load();

        assertThat(loaded.view().orElseThrow().tick()).isEqualTo(10);
        assertThat(loaded.rejected()).singleElement().satisfies(e -> assertThat(e.getMessage())
                .contains("world-view-000000000002.bin")
                .contains("world view checksum mismatch"));
    }

    @Test
    void aCrashedSaveLeavesOnlyATemporaryFileThatLoadIgnores() throws IOException {
        WorldViewStore store = WorldViewStore.file(dir);
        store.save(WorldViews.viewAt(100, 7));
        Files.write(dir.resolve("world-view.tmp"), new byte[] {1, 2, 3});

        assertThat(store.load().view().orElseThrow().tick()).isEqualTo(7);
        store.save(WorldViews.viewAt(100, 8));
        assertThat(files()).containsExactly("world-view-000000000001.bin", "world-view-000000000002.bin");
    }

    @Test
    void aViewRestoredPastACorruptNewerOneIsKeptUntilTwoNewerAreSaved() throws IOException {
        WorldViewStore first = WorldViewStore.file(dir);
        first.save(WorldViews.viewAt(100, 10));
        first.save(WorldViews.viewAt(100, 20));
        flipABit(dir.resolve("world-view-000000000002.bin"), 10);

        WorldViewStore successor = WorldViewStore.file(dir);
        assertThat(successor.load().view().orElseThrow().tick()).isEqualTo(10);
        successor.save(WorldViews.viewAt(100, 30));
        assertThat(files()).as("the restored view of tick 10 stays").containsExactly("world-view-000000000001.bin",
                "world-view-000000000002.bin", "world-view-000000000003.bin");
        successor.save(WorldViews.viewAt(100, 40));
        assertThat(files()).containsExactly("world-view-000000000003.bin", "world-view-000000000004.bin");
    }

    @Test
    void aProbeSaysPlainlyWhyTheDirectoryCannotBeUsed() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> WorldViewStore.file(file).probe())
                .isInstanceOf(WorldViewException.class)
                .hasMessage("the world view directory " + file + " is not writable: not a directory (" + file + ")");

        WorldViewStore.file(dir.resolve("views")).probe();
        assertThat(files()).as("created, and the probe file deleted").containsExactly("a-file", "views");
        assertThat(dir.resolve("views")).isEmptyDirectory();
    }

    @Test
    void aReadOnlyDirectoryIsPermissionDenied() throws IOException {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        assumeFalse(Files.isWritable(readOnly), "the superuser may write anywhere");

        assertThatThrownBy(() -> WorldViewStore.file(readOnly).probe())
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("is not writable: permission denied");
        assertThatThrownBy(() -> WorldViewStore.file(readOnly).save(WorldViews.viewAt(100, 1)))
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("permission denied");
    }

    @Test
    void anUnknownStoreSpecNamesTheOption() {
        assertThatThrownBy(() -> WorldViewStore.parse("s3://bucket"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--world-store: expected file:DIR, got 's3://bucket'");
    }

    /** Corrupts {@code file} as a bad disk would: one bit, {@code fromEnd} bytes before its end. */
    private static void flipABit(Path file, int fromEnd) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - fromEnd] ^= 0x40;
        Files.write(file, bytes);
    }

    private java.util.List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
