package org.vvmhost.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vvmhost.leadership.FencingToken;

/**
 * What one {@code vvmhost run} replica's log says, read from its lines and the times they arrived: its term, the world
 * view it restored, the ticks and hashes it simulated and saved, and the fenced writes etcd refused it.
 */
final class ReplicaLog {

    private static final Pattern ACQUIRED =
            Pattern.compile("leadership acquired: fencing token (\\d+:\\d+), leader key (\\S+?),");
    private static final Pattern WAITING = Pattern.compile("waiting for \\S+ to go \\(we are (\\S+)\\)");
    private static final Pattern WORLD_TICK = Pattern.compile("world tick (\\d+), hash ([0-9a-f]{16})");
    private static final Pattern VIEW = Pattern.compile("of tick (\\d+) \\(seed -?\\d+, hash ([0-9a-f]{16})");
    private static final Pattern SAVED_MILLIS = Pattern.compile(" in (\\d+) ms$");
    private static final Pattern STARTED = Pattern.compile("world simulation started at tick (\\d+)");
    private static final Pattern STOPPED = Pattern.compile("world simulation stopped at tick (\\d+)");

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

    /** The fencing token of this replica's term, if it led. */
    Optional<FencingToken> fencingToken() {
        return first(ACQUIRED).map(m -> FencingToken.parse(m.group(1)));
    }

    /** Its key in the election, whether it led or waited. */
    Optional<String> candidateKey() {
        return first(ACQUIRED).map(m -> m.group(2)).or(() -> first(WAITING).map(m -> m.group(1)));
    }

    OptionalLong acquiredNanos() {
        return arrival(line -> line.contains("leadership acquired: fencing token"));
    }

    OptionalLong waitingNanos() {
        return arrival(line -> WAITING.matcher(line).find());
    }

    OptionalLong servicesStartedNanos() {
        return arrival(line -> line.contains("services started:"));
    }

    /** When the first line that contains {@code text} arrived. */
    OptionalLong arrivalOf(String text) {
        return arrival(line -> line.contains(text));
    }

    /** When its world simulation stopped: the end of its writes as a leader, after a graceful stop. */
    OptionalLong simulationStoppedNanos() {
        return arrival(line -> STOPPED.matcher(line).find());
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

    /** Whether the simulation started: after a restore, or on a fresh world. */
    boolean simulationStarted() {
        return first(STARTED).isPresent();
    }

    /** The tick the world started from: the restored view's, or 0 for a fresh world. */
    OptionalLong startTick() {
        return first(STARTED).map(m -> OptionalLong.of(Long.parseLong(m.group(1)))).orElse(OptionalLong.empty());
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

    /** Whether the view it restored was the one it had preloaded as a standby (rather than read at takeover). */
    boolean restoredPreloaded() {
        return lines.stream().anyMatch(line -> line.text().contains(" - restoring the preloaded "));
    }

    boolean startedFresh() {
        return lines.stream().anyMatch(line -> line.text().contains("spawning a fresh world"));
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
            String text = line.text();
            Matcher progress = WORLD_TICK.matcher(text);
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

    /** The highest tick any line says it completed. */
    OptionalLong lastLoggedTick() {
        return lastLoggedTick(Long.MAX_VALUE);
    }

    /** The highest tick a line that arrived before {@code nanos} says it completed. */
    OptionalLong lastLoggedTick(long nanos) {
        long last = -1;
        for (HostProcess.Line line : lines) {
            if (line.nanos() > nanos) {
                break;
            }
            for (Pattern pattern : List.of(WORLD_TICK, STARTED, STOPPED)) {
                Matcher m = pattern.matcher(line.text());
                if (m.find()) {
                    last = Math.max(last, Long.parseLong(m.group(1)));
                }
            }
        }
        for (Save save : saves()) {
            if (save.nanos() <= nanos) {
                last = Math.max(last, save.tick());
            }
        }
        return last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
    }

    /**
     * The tick it had reached at {@code nanos}, extrapolated at {@code tickRate} from its last line that was logged
     * right after a tick (the progress line, or the start): the loop is paced, so this is within a tick or two. Never
     * below the highest tick logged before {@code nanos}.
     */
    OptionalLong tickAt(long nanos, double tickRate) {
        long anchorTick = -1;
        long anchorNanos = 0;
        for (HostProcess.Line line : lines) {
            if (line.nanos() > nanos) {
                break;
            }
            for (Pattern pattern : List.of(WORLD_TICK, STARTED)) {
                Matcher m = pattern.matcher(line.text());
                if (m.find()) {
                    anchorTick = Long.parseLong(m.group(1));
                    anchorNanos = line.nanos();
                }
            }
        }
        if (anchorTick < 0) {
            return lastLoggedTick();
        }
        long estimate = anchorTick + (long) Math.floor((nanos - anchorNanos) / 1e9 * tickRate);
        return OptionalLong.of(Math.max(estimate, lastLoggedTick(nanos).orElse(0)));
    }

    /** Saves that failed for another reason than fencing: their chunks may be in etcd with no manifest switch. */
    long failedSaves() {
        return lines.stream().filter(line -> line.text().contains("was not saved; the previous one stands")).count();
    }

    /** Lines that say etcd refused a fenced write of a deposed leader. */
    long fencedRefusals() {
        return lines.stream().map(HostProcess.Line::text)
                .filter(text -> text.contains("FencedWriteRejected") || text.contains("was deposed")
                        || text.contains("no longer leads"))
                .count();
    }

    /** Of {@link #fencedRefusals()}, the lines where etcd's compare refused the write (not the term's own state). */
    long refusalsByEtcd() {
        return lines.stream().filter(line -> line.text().contains("write fenced off")).count();
    }

    private Optional<Matcher> first(Pattern pattern) {
        for (HostProcess.Line line : lines) {
            Matcher m = pattern.matcher(line.text());
            if (m.find()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private OptionalLong arrival(java.util.function.Predicate<String> matches) {
        for (HostProcess.Line line : lines) {
            if (matches.test(line.text())) {
                return OptionalLong.of(line.nanos());
            }
        }
        return OptionalLong.empty();
    }
}
