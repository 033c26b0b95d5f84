package org.vvmhost.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.time.Clock;

/**
 * The newest world view (backup), as {@code vvmhost status} shows it.
 *
 * @param store    where it was looked for
 * @param last     the newest intact view's header: its tick, world hash and population
 * @param problems why newer views were passed over, or why none could be read
 * @param hint     what to try when there is no backup where status looked
 * @param damage   why the manifest could not be used, when it could not: the view was found without it
 */
record WorldBackup(String store, Optional<WorldView.Header> last, List<String> problems, Optional<String> hint,
                   Optional<String> damage) {

    /** Where the replicas keep their views when status finds none in the election's data. */
    static final String ELSEWHERE = "if the replicas run with --world-store, give status the same --world-store "
            + "(env VVM_WORLD_STORE)";

    WorldBackup {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(last, "last");
        problems = List.copyOf(problems);
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(damage, "damage");
    }

    WorldBackup(String store, Optional<WorldView.Header> last, List<String> problems) {
        this(store, last, problems, Optional.empty(), Optional.empty());
    }

    /**
     * Reads the newest intact view. The world hash lives in the view's header, so this reads the view (and checks
     * its checksum), not only the manifest.
     */
    static WorldBackup read(WorldViewLocation location, DataStore data, Clock clock) {
        WorldViewStore.LoadResult loaded = location.reader(data, clock).load();
        boolean noneInElection = loaded.view().isEmpty() && loaded.rejected().isEmpty()
                && loaded.damage().isEmpty() && location instanceof WorldViewLocation.InElection;
        return new WorldBackup(location.description(), loaded.view().map(WorldView::header),
                loaded.rejected().stream().map(WorldViewException::getMessage).toList(),
                noneInElection ? Optional.of(ELSEWHERE) : Optional.empty(), loaded.damage());
    }

    /** One line for the status table. */
    String line() {
        StringBuilder line = new StringBuilder("world: ");
        if (last.isPresent()) {
            WorldView.Header header = last.get();
            line.append("last backup at tick ").append(header.tick()).append(", hash ").append(hash(header))
                    .append(", ").append(header.population()).append(" entities");
        } else {
            line.append("no backup");
        }
        line.append(" (").append(store).append(')');
        damage.ifPresent(why -> line.append("; the manifest is damaged (").append(why).append(last.isPresent()
                ? "): this view was found without it; the leader's next save writes a new manifest and deletes no view"
                : "), and no intact view was found without it"));
        if (!problems.isEmpty()) {
            line.append("; ").append(problems.size()).append(" newer unusable: ").append(problems.get(0));
        }
        hint.ifPresent(text -> line.append("; ").append(text));
        return line.toString();
    }

    static String hash(WorldView.Header header) {
        return String.format("%016x", header.worldHash());
    }
}
