package org.vvmhost.services.world.service;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.view.WorldViewStore;

/**
 * Which world view a new leader restores, as a pure function of what it found: the preloaded view the manifest still
 * names, else the newest intact view of the store or the newest this replica preloaded as a standby, whichever is
 * newer (the store may have lost it: etcd wiped, or restored from an older snapshot), else a fresh world. A view found
 * other than through a usable manifest is written back at once, and a fresh world that replaces something lost is an
 * ERROR naming it.
 *
 * @param view      the view to restore; empty for a fresh world
 * @param error     whether {@code message} is an ERROR (something was lost or damaged) rather than INFO
 * @param message   the one line that says what was restored and why
 * @param recovery  for the status: how the store was found damaged or empty, and what was done; empty when the
 *                  manifest named the view restored, or nothing was ever stored
 * @param writeBack save the restored world at once rather than at the next backup interval
 */
record RestoreChoice(Optional<WorldView> view, boolean error, String message, Optional<String> recovery,
                     boolean writeBack) {

    /**
     * @param claimed the preloaded view that the manifest still names
     * @param loaded  what the store held, when it was read (it is not when a view was claimed)
     * @param held    the newest view this replica preloaded as a standby, of this world
     * @param store   the store, for the messages
     * @param seed    the config's seed, for a fresh world's message
     */
    static RestoreChoice decide(Optional<WorldView> claimed, Optional<WorldViewStore.LoadResult> loaded,
                                Optional<WorldView> held, String store, long seed) {
        if (claimed.isPresent()) {
            return new RestoreChoice(claimed, false, "restoring the preloaded " + claimed.get().header(),
                    Optional.empty(), false);
        }
        Optional<WorldView> stored = loaded.flatMap(WorldViewStore.LoadResult::view);
        Optional<String> damage = loaded.flatMap(WorldViewStore.LoadResult::damage);
        List<WorldViewException> rejected = loaded.map(WorldViewStore.LoadResult::rejected).orElse(List.of());
        if (held.isPresent() && (stored.isEmpty() || held.get().tick() > stored.get().tick())) {
            String found = stored.map(v -> "the newest intact world view in " + store + " is of tick " + v.tick()
                    + ", older than the one this replica preloaded as a standby (tick " + held.get().tick() + "): "
                    + "the store went back (etcd restored from an older snapshot?)")
                    .orElse("no intact world view in " + store + lost(damage, rejected)
                            + " (etcd wiped, or restored from an older snapshot?)");
            return new RestoreChoice(held, true, found + "; restoring " + held.get().header() + " that this replica "
                    + "preloaded as a standby, the only surviving copy, and writing it back now",
                    Optional.of("restored the view of tick " + held.get().tick() + " this replica preloaded as a "
                            + "standby: " + (stored.isEmpty() ? "the store held no intact world view"
                            : "the store's newest was of tick " + stored.get().tick())), true);
        }
        if (stored.isPresent()) {
            WorldView view = stored.get();
            if (damage.isPresent()) {
                return new RestoreChoice(stored, true, "the world view manifest in " + store + " is unusable ("
                        + damage.get() + "); restoring " + view.header() + ", the newest intact generation found "
                        + "without it, and writing it back now with a new manifest",
                        Optional.of("restored the view of tick " + view.tick() + " found without the manifest, which "
                                + "was unusable: " + damage.get()), true);
            }
            if (!rejected.isEmpty()) {
                return new RestoreChoice(stored, true, rejected.size() + " newer world view(s) in " + store + " were "
                        + "unusable and skipped (" + messages(rejected) + "); restoring " + view.header()
                        + " and writing it back now", Optional.of("restored the view of tick " + view.tick()
                        + "; newer ones were unusable: " + messages(rejected)), true);
            }
            return new RestoreChoice(stored, false, "restoring " + view.header() + " from " + store,
                    Optional.empty(), false);
        }
        if (damage.isPresent() || !rejected.isEmpty()) {
            String what = "no intact world view anywhere" + lost(damage, rejected);
            return new RestoreChoice(Optional.empty(), true, what + "; spawning a fresh world at tick 0 (seed " + seed
                    + ")", Optional.of("a fresh world replaced what was lost: " + what), false);
        }
        return new RestoreChoice(Optional.empty(), false, "no world view in " + store + ": spawning a fresh world "
                + "(seed " + seed + ")", Optional.empty(), false);
    }

    /** What was found unusable, for a message: empty when nothing was. */
    private static String lost(Optional<String> damage, List<WorldViewException> rejected) {
        String views = rejected.isEmpty() ? "" : "unusable: " + messages(rejected);
        String manifest = damage.map(d -> "the manifest is unusable: " + d).orElse("");
        String both = manifest.isEmpty() || views.isEmpty() ? manifest + views : manifest + "; " + views;
        return both.isEmpty() ? "" : " (" + both + ")";
    }

    private static String messages(List<WorldViewException> rejected) {
        return rejected.stream().map(WorldViewException::getMessage).collect(Collectors.joining("; "));
    }
}
