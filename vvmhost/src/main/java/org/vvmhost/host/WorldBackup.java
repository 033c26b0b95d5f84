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
 */
record WorldBackup(String store, Optional<WorldView.Header> last, List<String> problems) {

    WorldBackup {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(last, "last");
        problems = List.copyOf(problems);
    }

    /**
     * Reads the newest intact view. The world hash lives in the view's header, so this reads the view (and checks
     * its checksum), not only the manifest.
     */
    static WorldBackup read(WorldViewLocation location, DataStore data, Clock clock) {
        WorldViewStore.LoadResult loaded = location.reader(data, clock).load();
        return new WorldBackup(location.description(), loaded.view().map(WorldView::header),
                loaded.rejected().stream().map(WorldViewException::getMessage).toList());
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
        if (!problems.isEmpty()) {
            line.append("; ").append(problems.size()).append(" newer unusable: ").append(problems.get(0));
        }
        return line.toString();
    }

    static String hash(WorldView.Header header) {
        return String.format("%016x", header.worldHash());
    }
}
