package org.vvmhost.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code vvmhost run} replica's log says, for the switchover's test and benchmark, read from its lines and the
 * times they arrived: when it led and started its services, the world views it restored and saved, and the ticks and
 * hashes it simulated. (The drill reads replicas' logs by term, in the product: {@code org.vvmhost.host.drill}.)
 */
final class ReplicaLog {

    private static final Pattern WORLD_TICK = Pattern.compile("world tick (\\d+), hash ([0-9a-f]{16})");
    private static final Pattern VIEW = Pattern.compile("of tick (\\d+) \\(seed -?\\d+, hash ([0-9a-f]{16})");
    private static final Pattern SAVED_MILLIS = Pattern.compile(" in (\\d+) ms$");
    private static final Pattern STOPPED = Pattern.compile("world simulation stopped at tick (\\d+)");
    private static final Pattern SAVED = Pattern.compile("- saved world view v\\d+ of tick (\\d+) ");

    /** A tick and the world hash the replica computed for it; {@code nanos} is when the line arrived. */
    record TickHash(long tick, String hash, long nanos) {
    }

    /** A world view this replica saved: its tick, hash, how long the write took, and whether it was the final one. */
    record Save(long tick, String hash, long millis, boolean isFinal, long nanos) {
    }

    private final List<HostProcess.Line> lines;

    private ReplicaLog(List<HostProcess.Line> lines) {
        this.lines = List.copyOf(lines);
    }

    static ReplicaLog of(List<HostProcess.Line> lines) {
        return new ReplicaLog(lines);
    }

    /** The tick of the periodic world view {@code line} says was saved; -1 if it says none. */
    static long savedTick(String line) {
        Matcher saved = SAVED.matcher(line);
        return saved.find() ? Long.parseLong(saved.group(1)) : -1;
    }

    OptionalLong acquiredNanos() {
        return arrival(line -> line.contains("leadership acquired: fencing token"));
    }

    OptionalLong servicesStartedNanos() {
        return arrival(line -> line.contains("services started:"));
    }

    /** When the first line that contains {@code text} arrived. */
    OptionalLong arrivalOf(String text) {
        return arrival(line -> line.contains(text));
    }

    /** Each time its world simulation stopped, with the tick it stopped at (the hash is not in that line). */
    List<TickHash> simulationStops() {
        List<TickHash> stops = new ArrayList<>();
        for (HostProcess.Line line : lines) {
            Matcher m = STOPPED.matcher(line.text());
            if (m.find()) {
                stops.add(new TickHash(Long.parseLong(m.group(1)), "", line.nanos()));
            }
        }
        return stops;
    }

    /** The world view it restored as the new leader ({@code restoring …}), if any. */
    Optional<TickHash> restored() {
        return restores().stream().findFirst();
    }

    /** Every world view it restored, one per term it led after a switchover or a failover, in order. */
    List<TickHash> restores() {
        List<TickHash> restores = new ArrayList<>();
        for (HostProcess.Line line : lines) {
            if (line.text().contains(" - restoring ")) {
                Matcher m = VIEW.matcher(line.text());
                if (m.find()) {
                    restores.add(new TickHash(Long.parseLong(m.group(1)), m.group(2), line.nanos()));
                }
            }
        }
        return restores;
    }

    /** Every world view it saved, in order. */
    List<Save> saves() {
        List<Save> saves = new ArrayList<>();
        for (HostProcess.Line line : lines) {
            String text = line.text();
            if (!text.contains("saved world view")) {
                continue;
            }
            Matcher view = VIEW.matcher(text);
            Matcher millis = SAVED_MILLIS.matcher(text);
            if (view.find()) {
                saves.add(new Save(Long.parseLong(view.group(1)), view.group(2),
                        millis.find() ? Long.parseLong(millis.group(1)) : 0, text.contains("final backup: "),
                        line.nanos()));
            }
        }
        return saves;
    }

    /**
     * The ticks it simulated with their hashes: the progress lines and the views it saved (not the view it restored,
     * which another replica computed).
     */
    List<TickHash> simulated() {
        List<TickHash> ticks = new ArrayList<>();
        for (HostProcess.Line line : lines) {
            Matcher progress = WORLD_TICK.matcher(line.text());
            if (progress.find()) {
                ticks.add(new TickHash(Long.parseLong(progress.group(1)), progress.group(2), line.nanos()));
            }
        }
        saves().forEach(save -> ticks.add(new TickHash(save.tick(), save.hash(), save.nanos())));
        return ticks;
    }

    /** Each tick it simulated, saved or restored, with its world hash: what to compare with another run. */
    Map<Long, String> hashes() {
        Map<Long, String> hashes = new TreeMap<>();
        simulated().forEach(tick -> hashes.put(tick.tick(), tick.hash()));
        restores().forEach(tick -> hashes.put(tick.tick(), tick.hash()));
        return hashes;
    }

    private OptionalLong arrival(Predicate<String> matches) {
        for (HostProcess.Line line : lines) {
            if (matches.test(line.text())) {
                return OptionalLong.of(line.nanos());
            }
        }
        return OptionalLong.empty();
    }
}
