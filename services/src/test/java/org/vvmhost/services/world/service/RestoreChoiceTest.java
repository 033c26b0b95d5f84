package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.WorldViews;
import org.vvmhost.services.world.view.WorldViewStore;

class RestoreChoiceTest {

    private static final WorldView TICK_40 = WorldViews.viewAt(200, 40);
    private static final WorldView TICK_60 = WorldViews.viewAt(200, 60);
    private static final String STORE = "leadership data 'world/'";

    private static RestoreChoice decide(Optional<WorldView> claimed, Optional<WorldViewStore.LoadResult> loaded,
                                        Optional<WorldView> held) {
        return RestoreChoice.decide(claimed, loaded, held, STORE, 42);
    }

    private static Optional<WorldViewStore.LoadResult> stored(Optional<WorldView> view, Optional<String> damage,
                                                             String... rejected) {
        return Optional.of(new WorldViewStore.LoadResult(view, List.of(rejected).stream()
                .map(WorldViewException::new).toList(), damage));
    }

    @Test
    void thePreloadedViewTheManifestNamesIsRestoredQuietly() {
        RestoreChoice choice = decide(Optional.of(TICK_60), Optional.empty(), Optional.of(TICK_60));

        assertThat(choice.view()).contains(TICK_60);
        assertThat(choice.error()).isFalse();
        assertThat(choice.message()).isEqualTo("restoring the preloaded " + TICK_60.header());
        assertThat(choice.recovery()).isEmpty();
        assertThat(choice.writeBack()).isFalse();
    }

    @Test
    void theStoresNewestIsRestoredWhenNoNewerCopyIsHeld() {
        RestoreChoice choice = decide(Optional.empty(), stored(Optional.of(TICK_60), Optional.empty()),
                Optional.of(TICK_40));

        assertThat(choice.view()).contains(TICK_60);
        assertThat(choice.error()).isFalse();
        assertThat(choice.message()).isEqualTo("restoring " + TICK_60.header() + " from " + STORE);
        assertThat(choice.writeBack()).isFalse();
    }

    @Test
    void aStoreWithNoViewLeftGivesWayToTheHeldCopyLoudlyAndItIsWrittenBack() {
        RestoreChoice choice = decide(Optional.empty(), stored(Optional.empty(), Optional.empty()),
                Optional.of(TICK_60));

        assertThat(choice.view()).contains(TICK_60);
        assertThat(choice.error()).isTrue();
        assertThat(choice.message()).isEqualTo("no intact world view in " + STORE + " (etcd wiped, or restored from "
                + "an older snapshot?); restoring " + TICK_60.header() + " that this replica preloaded as a standby, "
                + "the only surviving copy, and writing it back now");
        assertThat(choice.recovery()).contains("restored the view of tick 60 this replica preloaded as a standby: the "
                + "store held no intact world view");
        assertThat(choice.writeBack()).isTrue();
    }

    @Test
    void aStoreThatWentBackGivesWayToTheNewerHeldCopy() {
        RestoreChoice choice = decide(Optional.empty(), stored(Optional.of(TICK_40), Optional.empty()),
                Optional.of(TICK_60));

        assertThat(choice.view()).contains(TICK_60);
        assertThat(choice.error()).isTrue();
        assertThat(choice.message()).startsWith("the newest intact world view in " + STORE + " is of tick 40, older "
                + "than the one this replica preloaded as a standby (tick 60)");
        assertThat(choice.writeBack()).isTrue();
    }

    @Test
    void aViewFoundWithoutTheManifestIsAnErrorAndWrittenBack() {
        RestoreChoice choice = decide(Optional.empty(), stored(Optional.of(TICK_40), Optional.of("world view "
                + "manifest world/manifest is not valid JSON: x"), "world view generation 3 (tick 60): chunk 1 of 1 "
                + "is corrupt"), Optional.empty());

        assertThat(choice.view()).contains(TICK_40);
        assertThat(choice.error()).isTrue();
        assertThat(choice.message()).isEqualTo("the world view manifest in " + STORE + " is unusable (world view "
                + "manifest world/manifest is not valid JSON: x); restoring " + TICK_40.header() + ", the newest "
                + "intact generation found without it, and writing it back now with a new manifest");
        assertThat(choice.recovery()).contains("restored the view of tick 40 found without the manifest, which was "
                + "unusable: world view manifest world/manifest is not valid JSON: x");
        assertThat(choice.writeBack()).isTrue();
    }

    @Test
    void aFreshWorldIsQuietOnAnEmptyStoreAndAnErrorNamingWhatWasLostOtherwise() {
        RestoreChoice empty = decide(Optional.empty(), stored(Optional.empty(), Optional.empty()), Optional.empty());
        assertThat(empty.view()).isEmpty();
        assertThat(empty.error()).isFalse();
        assertThat(empty.message()).isEqualTo("no world view in " + STORE + ": spawning a fresh world (seed 42)");
        assertThat(empty.recovery()).isEmpty();

        RestoreChoice lost = decide(Optional.empty(), stored(Optional.empty(), Optional.of("world view manifest "
                + "world/manifest is not valid JSON: x"), "world view generation 2 (tick 40): world view checksum "
                + "mismatch"), Optional.empty());
        assertThat(lost.view()).isEmpty();
        assertThat(lost.error()).isTrue();
        assertThat(lost.message()).isEqualTo("no intact world view anywhere (the manifest is unusable: world view "
                + "manifest world/manifest is not valid JSON: x; unusable: world view generation 2 (tick 40): world "
                + "view checksum mismatch); spawning a fresh world at tick 0 (seed 42)");
        assertThat(lost.recovery()).hasValueSatisfying(text -> assertThat(text).startsWith("a fresh world replaced "
                + "what was lost: no intact world view anywhere (the manifest is unusable"));
        assertThat(lost.writeBack()).isFalse();
    }
}
